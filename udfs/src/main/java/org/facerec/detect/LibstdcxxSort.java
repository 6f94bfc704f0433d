package org.facerec.detect;

/**
 * GCC libstdc++'s {@code std::sort} (bits/stl_algo.h and bits/stl_heap.h, GCC 12: introsort with
 * median-of-three pivots, a depth limit of {@code 2 * floor(log2 n)} falling back to heap sort,
 * then insertion sort over runs of 16), step for step, so that elements comparing equal end up
 * in the order dlib compiled with GCC leaves them. {@code std::sort} is not stable, and dlib's
 * detectors sort their candidates with it before a greedy non-max suppression: two candidates
 * of equal score keep dlib's order only if the sort is the same algorithm.
 */
final class LibstdcxxSort {
  private static final int THRESHOLD = 16;

  /** {@code comp(a, b)}: a strict weak order. */
  interface Less<T> {
    boolean less(T a, T b);
  }

  private LibstdcxxSort() {}

  /** {@code std::sort(v.begin(), v.begin() + n, comp)}. */
  static <T> void sort(T[] v, int n, Less<? super T> comp) {
    if (n > 0) {
      introsortLoop(v, 0, n, 2 * lg(n), comp);
      finalInsertionSort(v, 0, n, comp);
    }
  }

  /**
   * {@code std::sort(v.rbegin(), v.rend(), comp)} over the first {@code n} elements: the reversed
   * sequence sorted by {@code comp}, i.e. {@code v} ordered greatest first.
   */
  static <T> void sortReversed(T[] v, int n, Less<? super T> comp) {
    reverse(v, n);
    sort(v, n, comp);
    reverse(v, n);
  }

  private static void reverse(Object[] v, int n) {
    for (int i = 0, j = n - 1; i < j; i++, j--) {
      Object t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
  }

  /** {@code std::__lg}: the index of the highest set bit. */
  private static int lg(int n) {
    return 31 - Integer.numberOfLeadingZeros(n);
  }

  private static <T> void introsortLoop(T[] v, int first, int last, int depthLimit,
      Less<? super T> comp) {
    while (last - first > THRESHOLD) {
      if (depthLimit == 0) {
        heapSort(v, first, last, comp);
        return;
      }
      --depthLimit;
      int cut = unguardedPartitionPivot(v, first, last, comp);
      introsortLoop(v, cut, last, depthLimit, comp);
      last = cut;
    }
  }

  private static <T> int unguardedPartitionPivot(T[] v, int first, int last,
      Less<? super T> comp) {
    int mid = first + (last - first) / 2;
    moveMedianToFirst(v, first, first + 1, mid, last - 1, comp);
    return unguardedPartition(v, first + 1, last, first, comp);
  }

  private static <T> void moveMedianToFirst(T[] v, int result, int a, int b, int c,
      Less<? super T> comp) {
    if (comp.less(v[a], v[b])) {
      if (comp.less(v[b], v[c])) {
        swap(v, result, b);
      } else if (comp.less(v[a], v[c])) {
        swap(v, result, c);
      } else {
        swap(v, result, a);
      }
    } else if (comp.less(v[a], v[c])) {
      swap(v, result, a);
    } else if (comp.less(v[b], v[c])) {
      swap(v, result, c);
    } else {
      swap(v, result, b);
    }
  }

  private static <T> int unguardedPartition(T[] v, int first, int last, int pivot,
      Less<? super T> comp) {
    while (true) {
      while (comp.less(v[first], v[pivot])) {
        ++first;
      }
      --last;
      while (comp.less(v[pivot], v[last])) {
        --last;
      }
      if (!(first < last)) {
        return first;
      }
      swap(v, first, last);
      ++first;
    }
  }

  private static <T> void finalInsertionSort(T[] v, int first, int last, Less<? super T> comp) {
    if (last - first > THRESHOLD) {
      insertionSort(v, first, first + THRESHOLD, comp);
      for (int i = first + THRESHOLD; i != last; ++i) {
        unguardedLinearInsert(v, i, comp);
      }
    } else {
      insertionSort(v, first, last, comp);
    }
  }

  private static <T> void insertionSort(T[] v, int first, int last, Less<? super T> comp) {
    if (first == last) {
      return;
    }
    for (int i = first + 1; i != last; ++i) {
      if (comp.less(v[i], v[first])) {
        T val = v[i];
        System.arraycopy(v, first, v, first + 1, i - first);
        v[first] = val;
      } else {
        unguardedLinearInsert(v, i, comp);
      }
    }
  }

  private static <T> void unguardedLinearInsert(T[] v, int last, Less<? super T> comp) {
    T val = v[last];
    int next = last - 1;
    while (comp.less(val, v[next])) {
      v[last] = v[next];
      last = next;
      --next;
    }
    v[last] = val;
  }

  // ---- heap sort, for when the depth limit is reached -----------------------------------------

  /** {@code std::partial_sort(first, last, last, comp)}: introsort's fallback. */
  static <T> void heapSort(T[] v, int first, int last, Less<? super T> comp) {
    makeHeap(v, first, last, comp);
    sortHeap(v, first, last, comp);
  }

  private static <T> void makeHeap(T[] v, int first, int last, Less<? super T> comp) {
    int len = last - first;
    if (len < 2) {
      return;
    }
    int parent = (len - 2) / 2;
    while (true) {
      T value = v[first + parent];
      adjustHeap(v, first, parent, len, value, comp);
      if (parent == 0) {
        return;
      }
      parent--;
    }
  }

  private static <T> void sortHeap(T[] v, int first, int last, Less<? super T> comp) {
    while (last - first > 1) {
      --last;
      T value = v[last];
      v[last] = v[first];
      adjustHeap(v, first, 0, last - first, value, comp);
    }
  }

  private static <T> void adjustHeap(T[] v, int first, int holeIndex, int len, T value,
      Less<? super T> comp) {
    int topIndex = holeIndex;
    int secondChild = holeIndex;
    while (secondChild < (len - 1) / 2) {
      secondChild = 2 * (secondChild + 1);
      if (comp.less(v[first + secondChild], v[first + secondChild - 1])) {
        secondChild--;
      }
      v[first + holeIndex] = v[first + secondChild];
      holeIndex = secondChild;
    }
    if ((len & 1) == 0 && secondChild == (len - 2) / 2) {
      secondChild = 2 * (secondChild + 1);
      v[first + holeIndex] = v[first + secondChild - 1];
      holeIndex = secondChild - 1;
    }
    int parent = (holeIndex - 1) / 2;
    while (holeIndex > topIndex && comp.less(v[first + parent], value)) {
      v[first + holeIndex] = v[first + parent];
      holeIndex = parent;
      parent = (holeIndex - 1) / 2;
    }
    v[first + holeIndex] = value;
  }

  private static void swap(Object[] v, int i, int j) {
    Object t = v[i];
    v[i] = v[j];
    v[j] = t;
  }
}
