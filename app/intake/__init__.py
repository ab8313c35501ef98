"""How reports arrive: one conversation engine over ivr_flows/, and the phone, text and web adapters.

Intake may use casework (app/casework) to open cases and create tasks; casework never imports intake.
"""
