"""Media: perceptual hashes of images and videos, and the index that matches them."""
