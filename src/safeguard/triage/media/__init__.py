"""Media: perceptual hashes of images and videos, and the index that matches them.

The PDQ defaults every part shares are set here, once: the match threshold (the largest
Hamming distance over 256 bits that counts as the same picture; Meta's default, and a
setting of every run: PerceptualOptions.distance, `--pdq-distance`) and the quality below
which a hash describes a flat, featureless picture that is kept but never matched; and
the share of a video's frames that must match one known video (the vPDQ rule).
"""

MATCH_DISTANCE = 31
QUALITY_MIN = 50
VIDEO_FRACTION = 0.8
