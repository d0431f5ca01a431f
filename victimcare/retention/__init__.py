"""The Retention area: the data protection officer's retention report, legal holds (also for service leads) and
erasure decisions. Every read and change goes through services/retention."""
