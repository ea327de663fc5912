"""Personal data: GDPR register, requests, breaches, retention, sovereignty, training."""
