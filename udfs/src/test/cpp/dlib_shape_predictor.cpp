// dlib's 68-point shape predictor, to check DlibShapePredictor against (dlib 19.24).
//
//   dlib_shape_predictor MODEL.dat < cases > rows
//
// Reads cases on stdin until EOF, each: little-endian int32 width, height, upsample, n; then
// width*height*3 RGB bytes (row by row, as facerec's ImageDecoder produced them); then n int32
// quadruples left, top, right, bottom (dlib rectangles, inclusive corners). The image goes into a
// matrix<rgb_pixel>, as in dlib's face-recognition examples. When upsample >= 0, dlib's HOG face
// detector runs first, exactly as the Python binding's detector(img, upsample) does
// (get_frontal_face_detector, pyramid_up upsample times, adjust_threshold 0, boxes mapped back with
// pyramid_down<2>::rect_down), and its boxes come before the n given ones.
//
// Writes per case a line "n=<boxes>", then one line per box:
//   hog|box,left,top,right,bottom,x0,y0,...,x67,y67
// with the unrounded landmarks in image pixels (%.17g, the exact double). dlib's operator() only
// returns integer points (the last step converts with floor(v + 0.5)), so the program reads the
// model a second time into the same four members (dlib's own deserializers), runs operator()'s
// cascade loop with dlib's own impl:: functions and stops before that conversion; then it checks
// that the conversion of every point equals what sp(img, rect) returned and exits 3 if not.
//
// Build (Debian: libdlib-dev, libblas-dev, liblapack-dev, pkg-config):
//   g++ -O2 -std=c++17 -o dlib_shape_predictor dlib_shape_predictor.cpp \
//       $(pkg-config --cflags --libs dlib-1)
// then regenerate the golden from the repository root (DlibShapePredictorGoldenTest.main):
//   mvn -o -pl udfs test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
//   java -Dfacerec.data=../shared/data \
//       -cp udfs/target/test-classes:udfs/target/classes:$(cat /tmp/cp.txt) \
//       org.facerec.detect.DlibShapePredictorGoldenTest <path of dlib_shape_predictor>
// It prints to stderr the median time of dlib's sp(img, rect) calls and how far dlib's
// unnormalizing_tform is from the exact map (about 1e-12).
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

using namespace dlib;

// shape_predictor's private members, read in the order of dlib's deserialize(shape_predictor&).
struct internals {
  matrix<float, 0, 1> initial_shape;
  std::vector<std::vector<impl::regression_tree>> forests;
  std::vector<std::vector<unsigned long>> anchor_idx;
  std::vector<std::vector<dlib::vector<float, 2>>> deltas;
};

static void read_internals(internals& m, const char* file) {
  std::ifstream in(file, std::ios::binary);
  int version = 0;
  dlib::deserialize(version, in);
  if (version != 1) throw serialization_error("unexpected shape_predictor version");
  dlib::deserialize(m.initial_shape, in);
  dlib::deserialize(m.forests, in);
  dlib::deserialize(m.anchor_idx, in);
  dlib::deserialize(m.deltas, in);
}

// shape_predictor::operator() (shape_predictor.h) up to, not including, the point conversion.
static std::vector<dpoint> unrounded(const internals& m, const matrix<rgb_pixel>& img,
                                     const rectangle& rect) {
  using namespace impl;
  matrix<float, 0, 1> current_shape = m.initial_shape;
  std::vector<float> feature_pixel_values;
  for (unsigned long iter = 0; iter < m.forests.size(); ++iter) {
    extract_feature_pixel_values(img, rect, current_shape, m.initial_shape, m.anchor_idx[iter],
                                 m.deltas[iter], feature_pixel_values);
    unsigned long leaf_idx;
    for (unsigned long i = 0; i < m.forests[iter].size(); ++i)
      current_shape += m.forests[iter][i](feature_pixel_values, leaf_idx);
  }
  const point_transform_affine tform_to_img = unnormalizing_tform(rect);
  std::vector<dpoint> parts(current_shape.size() / 2);
  for (unsigned long i = 0; i < parts.size(); ++i)
    parts[i] = tform_to_img(location(current_shape, i));
  return parts;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: dlib_shape_predictor MODEL.dat < cases\n";
    return 2;
  }
  shape_predictor sp;
  deserialize(argv[1]) >> sp;
  internals m;
  read_internals(m, argv[1]);
  frontal_face_detector detector = get_frontal_face_detector();

  // how far dlib's unnormalizing_tform (a least-squares fit through pinv) is from the exact map
  double tform_error = 0;
  std::vector<double> times;  // ms per sp(img, rect) call
  int32_t head[4];
  while (fread(head, 4, 4, stdin) == 4) {
    const long w = head[0], h = head[1];
    matrix<rgb_pixel> img(h, w);
    std::vector<unsigned char> buf(3L * w * h);
    if (fread(buf.data(), 1, buf.size(), stdin) != buf.size()) return 1;
    for (long r = 0; r < h; r++)
      for (long c = 0; c < w; c++) {
        const unsigned char* p = &buf[3 * (r * w + c)];
        img(r, c) = rgb_pixel(p[0], p[1], p[2]);
      }
    std::vector<std::pair<const char*, rectangle>> boxes;
    if (head[2] >= 0) {
      std::vector<rect_detection> dets;
      if (head[2] == 0) {
        detector(img, dets, 0.0);
      } else {
        pyramid_down<2> pyr;
        matrix<rgb_pixel> up;
        pyramid_up(img, up, pyr);
        for (int k = 1; k < head[2]; ++k) pyramid_up(up);
        detector(up, dets, 0.0);
        for (auto& d : dets) d.rect = pyr.rect_down(d.rect, head[2]);
      }
      for (auto& d : dets) boxes.emplace_back("hog", d.rect);
    }
    for (int i = 0; i < head[3]; i++) {
      int32_t b[4];
      if (fread(b, 4, 4, stdin) != 4) return 1;
      boxes.emplace_back("box", rectangle(b[0], b[1], b[2], b[3]));
    }
    printf("n=%zu\n", boxes.size());
    for (auto& [kind, rect] : boxes) {
      auto t0 = std::chrono::steady_clock::now();
      full_object_detection shape = sp(img, rect);
      times.push_back(std::chrono::duration<double, std::milli>(
          std::chrono::steady_clock::now() - t0).count());
      const point_transform_affine t = impl::unnormalizing_tform(rect);
      const double exact[6] = {double(rect.right() - rect.left()), 0, 0,
                               double(rect.bottom() - rect.top()), double(rect.left()),
                               double(rect.top())};
      const double got[6] = {t.get_m()(0, 0), t.get_m()(0, 1), t.get_m()(1, 0), t.get_m()(1, 1),
                             t.get_b()(0), t.get_b()(1)};
      for (int k = 0; k < 6; k++) tform_error = std::max(tform_error, std::abs(got[k] - exact[k]));
      std::vector<dpoint> parts = unrounded(m, img, rect);
      printf("%s,%ld,%ld,%ld,%ld", kind, rect.left(), rect.top(), rect.right(), rect.bottom());
      for (unsigned long i = 0; i < parts.size(); i++) {
        if (point(parts[i]) != shape.part(i)) {
          std::cerr << "part " << i << " of " << rect << ": " << parts[i] << " does not round to "
                    << shape.part(i) << "\n";
          return 3;
        }
        printf(",%.17g,%.17g", parts[i].x(), parts[i].y());
      }
      printf("\n");
    }
    fflush(stdout);
  }
  std::sort(times.begin(), times.end());
  if (!times.empty())
    fprintf(stderr, "sp(img, rect): %zu calls, median %.3f ms\n", times.size(),
            times[times.size() / 2]);
  fprintf(stderr, "unnormalizing_tform: max |dlib - exact| %.3g\n", tform_error);
  return 0;
}
