// dlib's own face chip, to check DlibFaceChip against: reads one case on stdin (little-endian
// int32 width, int32 height, width*height*3 RGB bytes, 68 int32 (x, y) landmark pairs) and writes
// the 150x150 RGB chip of extract_image_chip(img, get_face_chip_details(shape, 150, 0.25)).
//
// Build against dlib's headers (Debian: apt-get download libdlib-dev; dpkg-deb -x; in its
// dlib/config.h drop DLIB_USE_BLAS, DLIB_USE_LAPACK and DLIB_CHECK_FOR_VERSION_MISMATCH, so that
// nothing needs linking):
//   g++ -O2 -std=c++14 -I<include dir> dlib_face_chip.cpp -o dlib_face_chip
// then regenerate the expected chips with DlibFaceChipTest.main(<path of dlib_face_chip>).
#include <dlib/image_processing/full_object_detection.h>
#include <dlib/image_transforms.h>

#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  using namespace dlib;
  int32_t wh[2];
  if (fread(wh, 4, 2, stdin) != 2) return 1;
  matrix<rgb_pixel> img(wh[1], wh[0]);
  std::vector<unsigned char> buf(3L * wh[0] * wh[1]);
  if (fread(buf.data(), 1, buf.size(), stdin) != buf.size()) return 2;
  for (long r = 0; r < wh[1]; r++) {
    for (long c = 0; c < wh[0]; c++) {
      const unsigned char* p = &buf[3 * (r * wh[0] + c)];
      img(r, c) = rgb_pixel(p[0], p[1], p[2]);
    }
  }
  int32_t pts[136];
  if (fread(pts, 4, 136, stdin) != 136) return 3;
  std::vector<point> parts;
  for (int i = 0; i < 68; i++) parts.push_back(point(pts[2 * i], pts[2 * i + 1]));
  full_object_detection shape(rectangle(0, 0, wh[0] - 1, wh[1] - 1), parts);
  matrix<rgb_pixel> chip;
  extract_image_chip(img, get_face_chip_details(shape, 150, 0.25), chip);
  for (long r = 0; r < chip.nr(); r++) {
    for (long c = 0; c < chip.nc(); c++) {
      unsigned char p[3] = {chip(r, c).red, chip(r, c).green, chip(r, c).blue};
      fwrite(p, 1, 3, stdout);
    }
  }
  return 0;
}
