"""Applications, booth holds and allocations, the waiting list and their audit trail."""
