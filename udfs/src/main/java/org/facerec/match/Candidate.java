package org.facerec.match;

import java.io.Serializable;

/** A resident near a probe, with the exact L2 distance of the resident's nearest encoding. */
public record Candidate(String residentId, double distance) implements Serializable {}
