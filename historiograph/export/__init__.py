"""Export stage: stored Documents out in the formats other tools read."""
