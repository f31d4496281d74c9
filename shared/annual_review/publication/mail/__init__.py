"""Letters by email: the message, each council's delivery exactly once with
its record, the letters step's sending, and SES's feedback on each email.
"""
