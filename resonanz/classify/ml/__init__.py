"""Pure-Python classification models (no Django): features, linear heads, training, inference."""
