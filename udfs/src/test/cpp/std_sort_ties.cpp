// How GCC's libstdc++ orders equal elements, for LibstdcxxSortTest: n pairs (key, index) with
// key = (index * 37) % 11 (so many ties), sorted by key only, with
//   1. std::sort(v.begin(), v.end(), less)                      n = 1000
//   2. std::sort(v.rbegin(), v.rend(), less), as dlib sorts     n = 100
//   3. std::partial_sort(v.begin(), v.end(), v.end(), less)     n = 100 (introsort's fallback)
// printing the indices in the resulting order, one line per case.
//   g++ -O2 -std=c++17 std_sort_ties.cpp -o std_sort_ties && ./std_sort_ties
#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

static std::vector<std::pair<double, int>> keys(int n) {
  std::vector<std::pair<double, int>> v;
  for (int i = 0; i < n; i++) v.emplace_back((i * 37) % 11, i);
  return v;
}

static void print(const std::vector<std::pair<double, int>>& v) {
  for (size_t i = 0; i < v.size(); i++) std::printf(i ? " %d" : "%d", v[i].second);
  std::printf("\n");
}

int main() {
  auto less = [](const std::pair<double, int>& a, const std::pair<double, int>& b) {
    return a.first < b.first;
  };
  auto a = keys(1000);
  std::sort(a.begin(), a.end(), less);
  print(a);
  auto b = keys(100);
  std::sort(b.rbegin(), b.rend(), less);
  print(b);
  auto c = keys(100);
  std::partial_sort(c.begin(), c.end(), c.end(), less);
  print(c);
  return 0;
}
