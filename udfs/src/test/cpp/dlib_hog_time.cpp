// Times dlib 19.24's HOG frontal face detector per stage, single-threaded, on the images in a
// file of records as dlib_hog_detect.cpp reads them (int32 width, height, upsample, float64
// adjust_threshold, RGB bytes): DlibHogBenchmark writes that file from the images our
// ImageDecoder decoded, and runs this program on it beside the Java port.
//
//   dlib_hog_time RECORDS RUNS
//
// Each run goes over all images once; the first run is a warm-up and is not counted. The stages
// are dlib's own calls in object_detector::operator() order, timed one by one:
//   pyramid_up  pyramid_up(img, up, pyramid_down<2>) (upsample times)
//   pyramid     pyramid_down<6> of each level (create_fhog_pyramid's pyr(...))
//   fhog        extract_fhog_features of each level (create_fhog_pyramid's fe(...))
//   scan        impl::detect_from_fhog_pyramid for each of the 5 filter banks (filters,
//               thresholds, the per-detector sort)
//   nms         the merge sort and test_box_overlap suppression
// and, separately, the whole detector(img, dets, adjust) call. Prints, per stage, the median
// over runs of the mean ms (this thread's CPU time) per image, and checks that the staged
// detections equal detector()'s.
//
// Build: g++ -O2 -std=c++17 dlib_hog_time.cpp -o dlib_hog_time $(pkg-config --cflags --libs dlib-1)
#include <dlib/image_processing/frontal_face_detector.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

using namespace dlib;
// This thread's CPU time, which the machine's other work inflates far less than wall time.
struct clk {
  using time_point = std::chrono::duration<double, std::milli>;
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
  }
};

struct Input {
  array2d<rgb_pixel> img;
  unsigned upsample;
  double adjust;
};

static double ms(clk::time_point a, clk::time_point b) { return (b - a).count(); }

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: dlib_hog_time RECORDS RUNS\n");
    return 2;
  }
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) return 2;
  const int runs = std::atoi(argv[2]);
  std::vector<Input> inputs;
  int32_t head[3];
  while (std::fread(head, 4, 3, f) == 3) {
    Input in;
    in.upsample = head[2];
    if (std::fread(&in.adjust, 8, 1, f) != 1) return 2;
    in.img.set_size(head[1], head[0]);
    std::vector<unsigned char> buf(3L * head[0] * head[1]);
    if (std::fread(buf.data(), 1, buf.size(), f) != buf.size()) return 2;
    for (long r = 0; r < head[1]; r++)
      for (long c = 0; c < head[0]; c++) {
        const unsigned char* p = &buf[3 * (r * head[0] + c)];
        in.img[r][c] = rgb_pixel(p[0], p[1], p[2]);
      }
    inputs.push_back(std::move(in));
  }
  std::fclose(f);

  frontal_face_detector detector = get_frontal_face_detector();
  const auto& scanner = detector.get_scanner();
  const int fw = scanner.get_fhog_window_width(), fh = scanner.get_fhog_window_height();
  const long dims = scanner.get_num_dimensions();
  default_fhog_feature_extractor fe;
  pyramid_down<2> pyr2;
  pyramid_down<6> pyr6;
  const char* names[] = {"pyramid_up", "pyramid", "fhog", "scan", "nms", "total (staged)",
                         "detector() call"};
  std::vector<std::vector<double>> per_run(7);
  size_t mismatches = 0;
  for (int run = 0; run <= runs; ++run) {
    double t[7] = {0};
    for (const Input& in : inputs) {
      auto a = clk::now();
      array2d<rgb_pixel> up;
      const array2d<rgb_pixel>* img = &in.img;
      if (in.upsample > 0) {
        pyramid_up(in.img, up, pyr2);
        for (unsigned k = 1; k < in.upsample; ++k) pyramid_up(up);
        img = &up;
      }
      auto b = clk::now();
      t[0] += ms(a, b);
      // impl::create_fhog_pyramid, stage by stage
      unsigned long levels = 0;
      rectangle rect = get_rect(*img);
      do {
        rect = pyr6.rect_down(rect);
        ++levels;
      } while (rect.width() >= scanner.get_min_pyramid_layer_width() &&
               rect.height() >= scanner.get_min_pyramid_layer_height() &&
               levels < scanner.get_max_pyramid_levels());
      array<array<array2d<float>>> feats;
      feats.set_max_size(levels);
      feats.set_size(levels);
      array2d<rgb_pixel> temp1, temp2;
      for (unsigned long l = 0; l < levels; ++l) {
        auto c = clk::now();
        if (l == 1) pyr6(*img, temp1);
        if (l > 1) pyr6(temp2, temp1);
        auto d = clk::now();
        fe(l == 0 ? *img : temp1, feats[l], scanner.get_cell_size(), fh, fw);
        if (l > 0) swap(temp1, temp2);
        auto e = clk::now();
        t[1] += ms(c, d);
        t[2] += ms(d, e);
      }
      auto g = clk::now();
      std::vector<std::pair<double, rectangle>> dets;
      std::vector<rect_detection> accum;
      for (unsigned long i = 0; i < detector.num_detectors(); ++i) {
        const double thresh = detector.get_processed_w(i).w(dims);
        impl::detect_from_fhog_pyramid<pyramid_down<6>>(feats, fe,
            detector.get_processed_w(i).get_detect_argument(), thresh + in.adjust,
            fh - 2 * scanner.get_padding(), fw - 2 * scanner.get_padding(),
            scanner.get_cell_size(), fh, fw, dets);
        for (auto& d : dets) accum.push_back(rect_detection{d.first - thresh, i, d.second});
      }
      auto h = clk::now();
      std::vector<rect_detection> final_dets;
      std::sort(accum.rbegin(), accum.rend());
      const test_box_overlap tester = detector.get_overlap_tester();
      for (auto& d : accum) {
        bool overlaps = false;
        for (auto& k : final_dets) overlaps = overlaps || tester(k.rect, d.rect);
        if (!overlaps) final_dets.push_back(d);
      }
      auto k = clk::now();
      t[3] += ms(g, h);
      t[4] += ms(h, k);
      t[5] += ms(a, k);
      // the plain call, for comparison and as a check
      std::vector<rect_detection> ref;
      auto m = clk::now();
      detector(*img, ref, in.adjust);
      t[6] += ms(m, clk::now()) + ms(a, b);
      bool same = ref.size() == final_dets.size();
      for (size_t j = 0; same && j < ref.size(); ++j)
        same = ref[j].rect == final_dets[j].rect &&
               ref[j].detection_confidence == final_dets[j].detection_confidence;
      if (!same && run == 0) ++mismatches;
    }
    if (run == 0) continue;  // warm-up
    for (int s = 0; s < 7; ++s) per_run[s].push_back(t[s] / inputs.size());
  }
  std::printf("images %zu, runs %d (+1 warm-up), staged != detector(): %zu\n", inputs.size(),
              runs, mismatches);
  for (int s = 0; s < 7; ++s) std::printf("%-16s %8.3f ms/image\n", names[s], median(per_run[s]));
  return 0;
}
