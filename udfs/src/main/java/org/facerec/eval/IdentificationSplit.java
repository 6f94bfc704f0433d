package org.facerec.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The gallery and probes of an identification test on a labelled folder
 * ({@code <identity>/<image>} paths): per identity, the first image (by path) goes into the
 * gallery and the others become probes of it. Identities with a single image are left out: they
 * could not be probed. With a stranger fraction, that share of the identities (a seeded shuffle,
 * so the same on every run) stays out of the gallery and all their images become stranger probes.
 */
public record IdentificationSplit(List<String> gallery, List<String> probes, int[] probeMate,
    List<String> strangers) {

  /** {@code probeMate[p]} of a stranger probe; otherwise the gallery index of its identity. */
  public static final int STRANGER = -1;

  public static IdentificationSplit of(Collection<String> paths, double strangerFraction,
      long seed) {
    if (!(strangerFraction >= 0 && strangerFraction < 1)) {
      throw new IllegalArgumentException("stranger fraction must be in [0, 1), got "
          + strangerFraction);
    }
    Map<String, List<String>> byIdentity = new TreeMap<>();
    for (String p : paths) {
      byIdentity.computeIfAbsent(identityOf(p), k -> new ArrayList<>()).add(p);
    }
    List<String> identities = new ArrayList<>();
    byIdentity.forEach((id, images) -> {
      if (images.size() >= 2) {
        identities.add(id);
        Collections.sort(images);
      }
    });
    List<String> shuffled = new ArrayList<>(identities);
    Collections.shuffle(shuffled, new Random(seed));
    List<String> strangers = new ArrayList<>(
        shuffled.subList(0, (int) Math.round(strangerFraction * identities.size())));
    Collections.sort(strangers);

    List<String> gallery = new ArrayList<>();
    List<String> probes = new ArrayList<>();
    List<Integer> mates = new ArrayList<>();
    for (String id : identities) {
      List<String> images = byIdentity.get(id);
      if (Collections.binarySearch(strangers, id) >= 0) {
        for (String img : images) {
          probes.add(img);
          mates.add(STRANGER);
        }
      } else {
        gallery.add(images.get(0));
        for (String img : images.subList(1, images.size())) {
          probes.add(img);
          mates.add(gallery.size() - 1);
        }
      }
    }
    return new IdentificationSplit(gallery, probes,
        mates.stream().mapToInt(Integer::intValue).toArray(), strangers);
  }

  /** The identity of {@code identity/image.jpg}: its first path segment. */
  public static String identityOf(String path) {
    int slash = path.indexOf('/');
    if (slash <= 0 || slash == path.length() - 1) {
      throw new IllegalArgumentException("expected <identity>/<image>, got '" + path + "'");
    }
    return path.substring(0, slash);
  }
}
