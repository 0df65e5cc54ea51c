"""B2B supply–demand sessions: buyers and their sourcing needs, meeting requests between buyers
and suppliers, the organiser's time slots and tables, and each meeting's outcome."""
