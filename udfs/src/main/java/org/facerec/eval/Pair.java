package org.facerec.eval;

import java.io.Serializable;

/**
 * One labelled verification pair: its fold (1-based), the two image paths relative to the images
 * root, and whether both show the same person.
 */
public record Pair(int fold, String path1, String path2, boolean same) implements Serializable {}
