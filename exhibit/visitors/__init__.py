"""What a visitor's phone sees: booth QR codes and posters, the scan page, favourites, and the
leads an exhibitor collects from visitors."""
