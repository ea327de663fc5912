/* Jalon — optional "Je donne mon avis" floating button (< 5 KB, no dependency, no cookie,
   no request of its own). Usage: <script src=".../widget.js" data-jalon-avis="URL of the
   form" data-jalon-label="Je donne mon avis" defer></script>. It only adds a link: the form
   opens in a new tab and works without this script (use the plain link or HTML button). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var url = script.getAttribute("data-jalon-avis");
  if (!url || !/^https?:\/\//.test(url)) { return; }
  var label = script.getAttribute("data-jalon-label") || "Je donne mon avis";
  var position = script.getAttribute("data-jalon-position") === "left" ? "left" : "right";
  function add() {
    if (document.getElementById("jalon-avis")) { return; }
    var link = document.createElement("a");
    link.id = "jalon-avis";
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = label;
    var hint = document.createElement("span");
    hint.textContent = " (nouvel onglet)";
    hint.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;" +
      "clip:rect(0 0 0 0);white-space:nowrap";
    link.appendChild(hint);
    link.style.cssText = "position:fixed;bottom:1rem;" + position + ":1rem;z-index:2147483000;" +
      "background:#0b4f8a;color:#fff;font:700 1rem/1.2 Arial,Helvetica,sans-serif;" +
      "padding:.75rem 1rem;border-radius:6px;border:2px solid #fff;text-decoration:none;" +
      "box-shadow:0 2px 6px rgba(0,0,0,.3)";
    link.addEventListener("focus", function () { link.style.outline = "3px solid #ffbf47"; });
    link.addEventListener("blur", function () { link.style.outline = ""; });
    document.body.appendChild(link);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", add);
  } else {
    add();
  }
}());
