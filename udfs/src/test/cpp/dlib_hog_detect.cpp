// dlib 19.24's HOG frontal face detector as dlib's Python binding runs it (detector.run(img,
// upsample, adjust_threshold), tools/python/src/simple_object_detector.h
// run_detector_with_upscale1): the RGB image upsampled `upsample` times with pyramid_up
// (pyramid_down<2>), object_detector::operator()(img, rect_detections, adjust_threshold), each
// rectangle mapped back with pyramid_down<2>::rect_down(rect, upsample).
//
// Input on stdin, any number of records: little-endian int32 width, int32 height, int32
// upsample, float64 adjust_threshold, then width*height*3 RGB bytes (row by row). Output on
// stdout, per record: a line "n N" and N lines "left top right bottom score weight_index" (dlib's
// inclusive rectangle, the detection confidence with 17 significant digits, which of the 5
// filters fired), in dlib's order (best first after its non-max suppression).
//
// Build (Debian libdlib-dev 19.24; no -march flags: see DlibHogDetector on dlib's SIMD paths):
//   g++ -O2 -std=c++17 dlib_hog_detect.cpp -o dlib_hog_detect $(pkg-config --cflags --libs dlib-1)
// DlibHogGolden.main(<this binary>, <csv>) runs it to regenerate the expected detections,
// src/test/resources/org/facerec/detect/dlib-hog-golden.csv.
#include <dlib/image_processing/frontal_face_detector.h>

#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  using namespace dlib;
  frontal_face_detector detector = get_frontal_face_detector();
  pyramid_down<2> pyr;
  int32_t head[3];
  while (std::fread(head, 4, 3, stdin) == 3) {
    const long w = head[0], h = head[1];
    const unsigned upsample = head[2];
    double adjust;
    if (std::fread(&adjust, 8, 1, stdin) != 1) return 2;
    array2d<rgb_pixel> img(h, w);
    std::vector<unsigned char> buf(3L * w * h);
    if (std::fread(buf.data(), 1, buf.size(), stdin) != buf.size()) return 2;
    for (long r = 0; r < h; r++) {
      for (long c = 0; c < w; c++) {
        const unsigned char* p = &buf[3 * (r * w + c)];
        img[r][c] = rgb_pixel(p[0], p[1], p[2]);
      }
    }
    std::vector<rect_detection> dets;
    if (upsample == 0) {
      detector(img, dets, adjust);
    } else {
      array2d<rgb_pixel> temp;
      pyramid_up(img, temp, pyr);
      for (unsigned k = 1; k < upsample; ++k) pyramid_up(temp);
      detector(temp, dets, adjust);
      for (auto& d : dets) d.rect = pyr.rect_down(d.rect, upsample);
    }
    std::printf("n %zu\n", dets.size());
    for (const auto& d : dets) {
      std::printf("%ld %ld %ld %ld %.17g %lu\n", d.rect.left(), d.rect.top(), d.rect.right(),
                  d.rect.bottom(), d.detection_confidence, d.weight_index);
    }
    std::fflush(stdout);
  }
  return 0;
}
