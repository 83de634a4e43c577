package org.pillars.content;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A branching exercise: passages that end in choices leading to other passages, until a passage with no choice (an
 * ending). Never graded; a learner's way through it is a path, the numbers of the choices taken from the start.
 * {@code track} is null for an exercise meant for everyone; {@code notesHtml} (for trainers only) may be null.
 */
public record Exercise(String id, Localized<String> title, Track track, int minutes, Localized<String> introHtml,
                       List<Passage> passages, Localized<String> debriefHtml, Localized<String> notesHtml) {

  /** The longest path the pages follow: an exercise with a loop can be played round it, but not for ever. */
  public static final int MAX_STEPS = 60;

  public Exercise {
    passages = List.copyOf(passages);
  }

  public record Passage(String id, Localized<String> html, List<Choice> choices) {
    public Passage {
      choices = List.copyOf(choices);
    }

    public boolean ending() {
      return choices.isEmpty();
    }
  }

  /** One choice: its label as inline HTML, and the id of the passage it leads to. */
  public record Choice(Localized<String> html, String target) { }

  /** Where a path leads: the passages walked through, the last being where the learner is now. */
  public record Walk(List<Passage> passages) {
    public Passage current() {
      return passages.get(passages.size() - 1);
    }
  }

  /**
   * Which passage leads where, as 12 hex digits: the same for two versions of the exercise whose texts differ but
   * whose passages and choices do not, so that a path taken in one means the same in the other.
   */
  public String shape() {
    StringBuilder graph = new StringBuilder();
    passages.forEach(p -> graph.append(p.id()).append(':').append(String.join(",", p.choices().stream().map(Choice::target).toList()))
        .append(';'));
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(graph.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Passage start() {
    return passages.get(0);
  }

  public Optional<Passage> passage(String passageId) {
    return passages.stream().filter(p -> p.id().equals(passageId)).findFirst();
  }

  /**
   * Follows {@code path} (choice numbers from 1) from the start; empty when a number is no choice of the passage it
   * is taken at, when it goes on past an ending, or when it is longer than {@link #MAX_STEPS}.
   */
  public Optional<Walk> walk(List<Integer> path) {
    if (path.size() > MAX_STEPS) {
      return Optional.empty();
    }
    List<Passage> walked = new ArrayList<>(List.of(start()));
    for (int choice : path) {
      Passage here = walked.get(walked.size() - 1);
      if (choice < 1 || choice > here.choices().size()) {
        return Optional.empty();
      }
      walked.add(passage(here.choices().get(choice - 1).target()).orElseThrow());
    }
    return Optional.of(new Walk(walked));
  }

  /** A path as written in an address: "2,1,3"; the empty path is the start. Empty when it is not that shape. */
  public static Optional<List<Integer>> parsePath(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.of(List.of());
    }
    if (text.length() > MAX_STEPS * 2 || !text.matches("[1-9](,[1-9])*")) {
      return Optional.empty();
    }
    List<Integer> path = new ArrayList<>();
    for (String n : text.split(",")) {
      path.add(Integer.parseInt(n));
    }
    return Optional.of(List.copyOf(path));
  }

  public static String pathText(List<Integer> path) {
    return String.join(",", path.stream().map(String::valueOf).toList());
  }
}
