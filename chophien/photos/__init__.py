"""Photos: size maths, decoding and re-encoding with Pillow, and the photo cache."""
