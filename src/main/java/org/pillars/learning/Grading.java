package org.pillars.learning;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.pillars.content.Quiz;
import org.pillars.core.Invalid;

/**
 * Marks a set of answers. A question with one right answer scores 1 or 0. A multiple-select question
 * scores (right options chosen - wrong options chosen) / right options, never below 0, so ticking every
 * box earns nothing. The score is the share of points in whole percent, rounded down.
 */
public final class Grading {

  public record Verdict(String questionId, List<Integer> chosen, boolean correct, double points) { }

  public record Result(int score, boolean passed, List<Verdict> verdicts) {

    public JsonObject toJson() {
      JsonArray list = new JsonArray();
      verdicts.forEach(v -> list.add(new JsonObject().put("question", v.questionId()).put("chosen", new JsonArray(v.chosen()))
          .put("correct", v.correct()).put("points", v.points())));
      return new JsonObject().put("score", score).put("passed", passed).put("questions", list);
    }

    public static Result fromJson(JsonObject json) {
      List<Verdict> verdicts = new ArrayList<>();
      for (Object o : json.getJsonArray("questions")) {
        JsonObject v = (JsonObject) o;
        List<Integer> chosen = new ArrayList<>();
        v.getJsonArray("chosen").forEach(i -> chosen.add(((Number) i).intValue()));
        verdicts.add(new Verdict(v.getString("question"), chosen, v.getBoolean("correct"), v.getDouble("points")));
      }
      return new Result(json.getInteger("score"), json.getBoolean("passed"), verdicts);
    }
  }

  private Grading() {
  }

  /**
   * Grades {@code answers} (question id to chosen option positions). Unanswered questions score 0;
   * an unknown question, an option that does not exist or two options for a one-answer question are a 400.
   */
  public static Result grade(Quiz quiz, Map<String, List<Integer>> answers) {
    for (String id : answers.keySet()) {
      if (quiz.question(id).isEmpty()) {
        throw new Invalid("there is no question '" + id + "' in this quiz");
      }
    }
    List<Verdict> verdicts = new ArrayList<>();
    double total = 0;
    for (Quiz.Question q : quiz.questions()) {
      TreeSet<Integer> chosen = new TreeSet<>(answers.getOrDefault(q.id(), List.of()));
      for (int i : chosen) {
        if (i < 0 || i >= q.options().size()) {
          throw new Invalid("question '" + q.id() + "' has no option " + i);
        }
      }
      if (q.type().singleAnswer() && chosen.size() > 1) {
        throw new Invalid("question '" + q.id() + "' takes one answer");
      }
      long right = q.options().stream().filter(Quiz.Option::correct).count();
      long rightChosen = chosen.stream().filter(i -> q.options().get(i).correct()).count();
      long wrongChosen = chosen.size() - rightChosen;
      double points = Math.max(0.0, (rightChosen - wrongChosen) / (double) right);
      boolean correct = rightChosen == right && wrongChosen == 0;
      total += points;
      verdicts.add(new Verdict(q.id(), List.copyOf(chosen), correct, points));
    }
    int score = (int) Math.floor(100.0 * total / quiz.questions().size() + 1e-9);
    return new Result(score, score >= quiz.passMark(), verdicts);
  }
}
