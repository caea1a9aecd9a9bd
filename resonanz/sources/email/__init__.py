"""E-mail: IMAP in (imaplib), SMTP out (smtplib), parsed with the standard library email package."""
