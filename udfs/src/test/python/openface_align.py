"""OpenCV's side of OpenFaceAlignmentTest: what OpenFace's AlignDlib.align(96, img,
landmarks=..., landmarkIndices=OUTER_EYES_AND_NOSE) computes, with cv2 itself.

Reads one case on stdin (little-endian int32 width, int32 height, width*height*3 RGB bytes,
68 float64 (x, y) landmark pairs) and writes the 96x96 RGB result to stdout. The three template
points are OpenFace's MINMAX_TEMPLATE rows 36, 45 and 33 (float32), as in OpenFaceAlignment.
Needs numpy and cv2 (Debian: python3-opencv); DlibFaceChipTest.main regenerates the expected
images with it.
"""
import sys

import cv2
import numpy as np

TEMPLATE = np.float32([(0.194157, 0.16926692), (0.7888591, 0.15817115), (0.4949509, 0.5144414)])


def main():
    data = sys.stdin.buffer.read()
    w, h = np.frombuffer(data[:8], dtype="<i4")
    img = np.frombuffer(data[8:8 + 3 * w * h], dtype=np.uint8).reshape(h, w, 3)
    landmarks = np.frombuffer(data[8 + 3 * w * h:], dtype="<f8").reshape(68, 2)
    src = np.float32(landmarks)[[36, 45, 33]]
    matrix = cv2.getAffineTransform(src, 96 * TEMPLATE)
    sys.stdout.buffer.write(np.ascontiguousarray(cv2.warpAffine(img, matrix, (96, 96))).tobytes())


if __name__ == "__main__":
    main()
