package org.pillars.content;

import java.util.Arrays;
import java.util.Optional;

/**
 * Whom a lesson, an exercise or a question is written for: soldiers of a contingent, United Nations police, or staff
 * officers. What has no track is for everyone. A learner names theirs in their profile.
 */
public enum Track {
  MILITARY("military"), POLICE("police"), STAFF("staff");

  private final String keyword;

  Track(String keyword) {
    this.keyword = keyword;
  }

  public String keyword() {
    return keyword;
  }

  public static Optional<Track> of(String keyword) {
    String k = keyword == null ? "" : keyword.strip();
    return Arrays.stream(values()).filter(t -> t.keyword.equals(k)).findFirst();
  }

  static String allowed() {
    return "military, police or staff";
  }
}
