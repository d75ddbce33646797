"""Large, high-contrast building blocks shared by the screens (every text passed in comes from a catalog)."""
