// Writes dlib 19.24's HOG frontal face detector (get_frontal_face_detector()) as the text model
// file DlibHogDetector reads
// (src/main/resources/org/facerec/detect/dlib_frontal_face_detector.txt):
// the scanner's parameters, the overlap tester's thresholds and, for each of the 5 detectors, its
// bias and the separable filter bank dlib itself convolves with (scan_fhog_pyramid::
// build_fhog_filterbank: an SVD of each of the 31 10x10 planes, singular values below
// max(1e-4, 0.001 * largest) dropped, u*sqrt(s) as column filter and v*sqrt(s) as row filter, cast
// to float). Floats are printed with 9 significant digits and doubles with 17, so both read back
// exactly. The program fails if dlib would run the full (non-separable) filters instead
// (impl::apply_filters_to_fhog), which the Java scan does not implement.
//
// Format, one item a line, fields separated by single spaces:
//   dlib-frontal-face-detector 1
//   cell_size 8
//   padding 0
//   detection_window WIDTH HEIGHT         (pixels)
//   fhog_window WIDTH HEIGHT              (cells; the filter size)
//   max_pyramid_levels N
//   min_pyramid_layer WIDTH HEIGHT
//   pyramid_down 6
//   overlap IOU COVERED                   (test_box_overlap thresholds, doubles)
//   detectors 5
// then per detector:
//   detector INDEX THRESH SEPARABLE_FILTERS   (THRESH: the bias w(dims), double)
// and per separable filter, in the order dlib applies them (plane 0..30, then rank):
//   filter PLANE R0..R(w-1) C0..C(h-1)      (row filter, then column filter, floats)
//
// Build (Debian libdlib-dev 19.24):
//   g++ -O2 -std=c++17 dlib_hog_export.cpp -o dlib_hog_export $(pkg-config --cflags --libs dlib-1)
// DlibHogModelFileTest builds and runs it where g++ and dlib are installed and compares its
// output with the shipped file byte for byte.
#include <dlib/image_processing/frontal_face_detector.h>

#include <algorithm>
#include <cstdio>

int main() {
  using namespace dlib;
  frontal_face_detector det = get_frontal_face_detector();
  const auto& s = det.get_scanner();
  const long dims = s.get_num_dimensions();
  std::printf("dlib-frontal-face-detector 1\n");
  std::printf("cell_size %lu\n", s.get_cell_size());
  std::printf("padding %lu\n", s.get_padding());
  std::printf("detection_window %lu %lu\n", s.get_detection_window_width(),
              s.get_detection_window_height());
  std::printf("fhog_window %lu %lu\n", s.get_fhog_window_width(), s.get_fhog_window_height());
  std::printf("max_pyramid_levels %lu\n", s.get_max_pyramid_levels());
  std::printf("min_pyramid_layer %lu %lu\n", s.get_min_pyramid_layer_width(),
              s.get_min_pyramid_layer_height());
  std::printf("pyramid_down 6\n");
  std::printf("overlap %.17g %.17g\n", det.get_overlap_tester().get_iou_thresh(),
              det.get_overlap_tester().get_percent_covered_thresh());
  std::printf("detectors %lu\n", det.num_detectors());
  for (unsigned long i = 0; i < det.num_detectors(); ++i) {
    const auto& pw = det.get_processed_w(i);
    const auto& fb = pw.get_detect_argument();
    const double separable_limit =
        fb.filters.size() * std::min(fb.filters[0].nr(), fb.filters[0].nc()) / 3.0;
    if (fb.num_separable_filters() > separable_limit) {
      std::fprintf(stderr, "detector %lu would use dlib's full filters\n", i);
      return 1;
    }
    std::printf("detector %lu %.17g %lu\n", i, pw.w(dims), fb.num_separable_filters());
    for (unsigned long p = 0; p < fb.row_filters.size(); ++p) {
      for (unsigned long j = 0; j < fb.row_filters[p].size(); ++j) {
        std::printf("filter %lu", p);
        const auto& row = fb.row_filters[p][j];
        const auto& col = fb.col_filters[p][j];
        for (long k = 0; k < row.size(); ++k) std::printf(" %.9g", row(k));
        for (long k = 0; k < col.size(); ++k) std::printf(" %.9g", col(k));
        std::printf("\n");
      }
    }
  }
  return 0;
}
