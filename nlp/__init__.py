"""Vietnamese directive extraction: normalisation, segmentation, spaCy components."""
