package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Branching exercises and tracks, as the authoring guide (sections 9 and 10) promises them. */
class ExerciseParserTest {

  private final CourseLoader loader = new CourseLoader(new MarkdownRenderer());

  @TempDir
  Path root;

  private static final String GOOD = """
      ---
      id: gate
      title: The gate
      track: military
      minutes: 12
      ---
      You command the guard.

      ## Passage: start
      It is 02:00. People are at the gate.

      - [Open the outer gate](#buffer)
      - [Call the operations room](#call)

      ## Passage: buffer
      They come into the buffer area.

      ### What you see
      - children
      - two wounded men

      - [Ask for the QRF](#qrf)
      - [Call the operations room](#call)

      ## Passage: call
      The duty officer asks for numbers. You do not know them yet.

      - [Go back and count](#buffer)
      - [Report what you know](#qrf)

      ## Passage: qrf
      The QRF arrives. Nobody was hurt.

      ## Debrief
      Report and act at once.

      ## Facilitator notes
      Ask the group what the duty officer needs.
      """;

  private static final String GOOD_FR = """
      ---
      id: gate
      title: La porte
      track: military
      ---
      Vous commandez la garde.

      ## Passage: start
      Il est 2 heures. Des gens sont à la porte.

      - [Ouvrir la porte extérieure](#buffer)
      - [Appeler la salle des opérations](#call)

      ## Passage: buffer
      Ils entrent dans la zone tampon.

      - [Demander la FIR](#qrf)
      - [Appeler la salle des opérations](#call)

      ## Passage: call
      L'officier de permanence demande des chiffres.

      - [Retourner compter](#buffer)
      - [Rendre compte de ce que vous savez](#qrf)

      ## Passage: qrf
      La FIR arrive. Personne n'est blessé.

      ## Debrief
      Rendez compte et agissez tout de suite.

      ## Facilitator notes
      Demandez au groupe ce dont l'officier a besoin.
      """;

  private Path module(Map<String, String> files) throws IOException {
    Path folder = root.resolve("alpha");
    write(folder.resolve("module.md"), """
        ---
        id: alpha
        title: Alpha
        summary: A module.
        audience: Everyone
        minutes: 10
        version: 1
        objectives:
          - Learn
        sources:
          - A source
        ---
        Overview.
        """);
    write(folder.resolve("01-one.md"), """
        ---
        id: one
        title: One
        track: police
        ---
        A lesson for police officers. See [the exercise](exercises/gate.md).
        """);
    for (Map.Entry<String, String> f : files.entrySet()) {
      write(folder.resolve(f.getKey()), f.getValue());
    }
    return folder;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private List<String> problems(String exercise) throws IOException {
    module(Map.of("exercises/gate.md", exercise));
    Catalog catalog = loader.load(root);
    assertTrue(catalog.modules().isEmpty(), "a module with a broken exercise is not served");
    return catalog.problems().stream().map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message()).toList();
  }

  @Test
  @DisplayName("an exercise loads with its passages, choices, ending, debrief, notes, track and French; a loop with an exit is allowed")
  void loads() throws IOException {
    module(Map.of("exercises/gate.md", GOOD, "exercises/gate.fr.md", GOOD_FR));
    Catalog catalog = loader.load(root);
    assertEquals(List.of(), catalog.problems());
    Module m = catalog.module("alpha").orElseThrow();
    Exercise e = m.exercise("gate").orElseThrow();
    assertEquals("La porte", e.title().in("fr"));
    assertEquals(Track.MILITARY, e.track());
    assertEquals(12, e.minutes());
    assertEquals(List.of("start", "buffer", "call", "qrf"), e.passages().stream().map(Exercise.Passage::id).toList());
    assertEquals(List.of("buffer", "call"), e.start().choices().stream().map(Exercise.Choice::target).toList());
    assertEquals("Open the outer gate", e.start().choices().get(0).html().in("en"));
    assertEquals("Demander la FIR", e.passage("buffer").orElseThrow().choices().get(0).html().in("fr"));
    // a list inside the text is text; only the last list, of links to passages, holds the choices
    assertTrue(e.passage("buffer").orElseThrow().html().in("en").contains("<li>two wounded men</li>"));
    assertTrue(e.passage("qrf").orElseThrow().ending());
    assertTrue(e.debriefHtml().in("fr").contains("Rendez compte"));
    assertTrue(e.notesHtml().in("en").contains("duty officer"));
    assertTrue(e.introHtml().in("en").contains("You command the guard"));
    // the lesson's link to the exercise file is rewritten to the exercise's page
    assertTrue(m.lessons().get(0).html().in("en").contains("href=\"/modules/alpha/exercises/gate\""), m.lessons().get(0).html().in("en"));
    assertEquals(Track.POLICE, m.lessons().get(0).track());

    // walking: 2 (call), then 1 (back to buffer), then 1 (qrf): the loop has a way out
    Exercise.Walk walk = e.walk(List.of(2, 1, 1)).orElseThrow();
    assertEquals(List.of("start", "call", "buffer", "qrf"), walk.passages().stream().map(Exercise.Passage::id).toList());
    assertTrue(e.walk(List.of(3)).isEmpty(), "no third choice at the start");
    assertTrue(e.walk(List.of(1, 1, 1)).isEmpty(), "nothing goes on past an ending");
    assertEquals(List.of(2, 1), Exercise.parsePath("2,1").orElseThrow());
    assertTrue(Exercise.parsePath("2,,1").isEmpty());
    assertTrue(Exercise.parsePath("0").isEmpty());
    assertTrue(Exercise.parsePath("1,x").isEmpty());

    // what is kept in the database gives the same exercise back
    Module back = ModuleCodec.fromJson(ModuleCodec.toJson(m), m.version(), null);
    assertEquals(e, back.exercise("gate").orElseThrow());
    assertEquals(Track.POLICE, back.lessons().get(0).track());
    assertEquals(List.of("en", "fr"), m.exercises().get(0).title().byLanguage().keySet().stream().sorted().toList());
  }

  @Test
  @DisplayName("a choice to no passage, an unreachable passage, a loop with no exit and a missing debrief are reported at their lines")
  void graphProblems() throws IOException {
    List<String> lines = problems("""
        ---
        id: gate
        title: The gate
        ---
        ## Passage: start
        People at the gate.

        - [Open](#buffer)
        - [Argue](#argue)
        - [Call](#nowhere)

        ## Passage: argue
        You argue with the duty officer.

        - [Argue more](#argue2)

        ## Passage: argue2
        You argue again.

        - [Argue back](#argue)

        ## Passage: buffer
        Safe.

        ## Debrief
        Act.
        """);
    assertEquals(List.of("gate.md:10: choice leads to 'nowhere', which is no passage of this exercise"), lines);
    assertEquals(List.of("gate.md:1: missing '## Debrief', shown at every ending"), problems("""
        ---
        id: gate
        title: The gate
        ---
        ## Passage: start
        People at the gate.

        - [Open](#buffer)

        ## Passage: buffer
        Safe.
        """));

    List<String> graph = problems("""
        ---
        id: gate
        title: The gate
        ---
        ## Passage: start
        People at the gate.

        - [Open](#buffer)
        - [Argue](#argue)

        ## Passage: argue
        You argue with the duty officer.

        - [Argue more](#argue2)

        ## Passage: argue2
        You argue again.

        - [Argue back](#argue)

        ## Passage: buffer
        Safe.

        ## Passage: island
        Nobody comes here.

        ## Debrief
        Act.
        """);
    assertEquals(List.of(
        "gate.md:11: from passage 'argue' no path leads to an ending: a loop with no exit",
        "gate.md:16: from passage 'argue2' no path leads to an ending: a loop with no exit",
        "gate.md:24: passage 'island' cannot be reached from the start"), graph);

    assertEquals(List.of("gate.md:5: the first passage is where the exercise starts: it needs choices, or there is nothing to play",
        "gate.md:8: passage 'after' cannot be reached from the start"), problems("""
        ---
        id: gate
        title: The gate
        ---
        ## Passage: start
        Nothing to choose.

        ## Passage: after
        Never seen.

        ## Debrief
        Act.
        """));
    assertEquals(List.of("gate.md:5: the exercise has no ending: a passage with no choices ends it"), problems("""
        ---
        id: gate
        title: The gate
        ---
        ## Passage: start
        Round and round.

        - [Again](#start)

        ## Debrief
        Act.
        """));
  }

  @Test
  @DisplayName("a bad choice line, a stray passage link, seven choices, a duplicate id, a wrong id, an unknown heading or track are reported at their lines")
  void syntaxProblems() throws IOException {
    List<String> lines = problems("""
        ---
        id: the-gate
        title: The gate
        track: navy
        ---
        ## Passage: start
        People at the gate. See [the end](#end).

        - [Open](#end) now
        - [Call](#end)

        ## Passage: many
        Many choices.

        - [1](#end)
        - [2](#end)
        - [3](#end)
        - [4](#end)
        - [5](#end)
        - [6](#end)
        - [7](#end)

        ## Passage: many
        Again.

        ## Passage: end
        Done.

        ## Notes
        Not a section.

        ## Debrief
        Act.
        """);
    String all = String.join("\n", lines);
    List<String> expected = List.of(
        "gate.md:2: id 'the-gate' must be the file's name, 'gate'",
        "gate.md:4: unknown track 'navy' (use military, police or staff)",
        "gate.md:7: a link to a passage must be a choice: one item of the passage's last list",
        "gate.md:9: a choice is one link to a passage, '- [text](#passage-id)', and nothing else",
        "gate.md:15: 7 choices: at most 6",
        "gate.md:23: duplicate passage id 'many'",
        "gate.md:29: unknown heading: an exercise has '## Passage: some-id' sections");
    assertEquals(expected.size(), lines.size(), all);
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(lines.get(i).startsWith(expected.get(i)), "expected " + expected.get(i) + " in\n" + all);
    }
  }

  @Test
  @DisplayName("a French exercise whose choices lead elsewhere, or which lacks a passage or the notes, is refused")
  void translationMustMatch() throws IOException {
    String wrongTarget = GOOD_FR.replace("- [Retourner compter](#buffer)", "- [Retourner compter](#qrf)");
    String missing = GOOD_FR.substring(0, GOOD_FR.indexOf("## Passage: qrf")) + GOOD_FR.substring(GOOD_FR.indexOf("## Debrief"));
    String noNotes = GOOD_FR.substring(0, GOOD_FR.indexOf("## Facilitator notes"));
    String otherTrack = GOOD_FR.replace("track: military", "track: police");
    for (Map.Entry<String, String> c : Map.of(
        wrongTarget, "fr.md:20: passage 'call' must have the choices of the English exercise",
        missing, "fr.md:1: passage 'qrf' of the English exercise is missing",
        noNotes, "fr.md:1: '## Facilitator notes' of the English exercise is missing",
        otherTrack, "fr.md:4: 'track' is 'police' here but 'military' in the English file").entrySet()) {
      Files.walk(root).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
      module(Map.of("exercises/gate.md", GOOD, "exercises/gate.fr.md", c.getKey()));
      Catalog catalog = loader.load(root);
      String all = catalog.problems().stream().map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message())
          .collect(Collectors.joining("\n"));
      assertTrue(all.startsWith("gate." + c.getValue()), "expected " + c.getValue() + " in\n" + all);
      assertTrue(catalog.modules().isEmpty());
    }
  }

  @Test
  @DisplayName("choices right under the text or as a loose list are choices; a link inside a choice, a bad or misplaced section are reported")
  void layouts() throws IOException {
    module(Map.of("exercises/gate.md", GOOD.replace("""
        It is 02:00. People are at the gate.

        - [Open the outer gate](#buffer)
        - [Call the operations room](#call)
        """, """
        It is 02:00. People are at the gate.
        - [Open the outer gate](#buffer)

        - [Call the operations room](#call)
        """)));
    Catalog catalog = loader.load(root);
    assertEquals(List.of(), catalog.problems());
    assertEquals(List.of("buffer", "call"),
        catalog.module("alpha").orElseThrow().exercise("gate").orElseThrow().start().choices().stream().map(Exercise.Choice::target).toList());

    List<String> lines = problems("""
        ---
        id: gate
        title: The gate
        minutes: 500
        ---
        ## Passage: start
        People at the gate.

        - [Open [the map](https://example.org)](#end)
        - [Call](#end)

        ## Passage: Bad_Id
        Text.

        ## Debrief
        Act.

        ## Passage: end
        Late.

        ## Facilitator notes

        """);
    String all = String.join("\n", lines);
    List<String> expected = List.of(
        "gate.md:4: 'minutes' must be a whole number from 1 to 240, got '500'",
        "gate.md:9: a choice is one link to a passage, '- [text](#passage-id)', and nothing else",
        "gate.md:12: passage id 'Bad_Id' must be lowercase letters, digits and hyphens",
        "gate.md:18: passages come before '## Debrief' and '## Facilitator notes'",
        "gate.md:21: '## Facilitator notes' is empty");
    assertEquals(expected.size(), lines.size(), all);
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(lines.get(i).startsWith(expected.get(i)), "expected " + expected.get(i) + " in\n" + all);
    }
  }

  @Test
  @DisplayName("a French exercise with its passages in another order or one more, or a French lesson of another track, is refused")
  void translationOrderAndTracks() throws IOException {
    String swapped = GOOD_FR.replace("## Passage: buffer", "## Passage: tmp").replace("## Passage: call", "## Passage: buffer")
        .replace("## Passage: tmp", "## Passage: call");
    String extra = GOOD_FR.replace("## Debrief", "## Passage: extra\nEn plus.\n\n## Debrief");
    for (Map.Entry<String, String> c : Map.of(
        swapped, "gate.fr.md:14: passage 'call' here, but 'buffer' at this place in the English exercise",
        extra, "gate.fr.md:29: passage 'extra' is not in the English exercise").entrySet()) {
      Files.walk(root).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
      module(Map.of("exercises/gate.md", GOOD, "exercises/gate.fr.md", c.getKey()));
      String all = loader.load(root).problems().stream().map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message())
          .collect(Collectors.joining("\n"));
      assertTrue(all.startsWith(c.getValue()), "expected " + c.getValue() + " in\n" + all);
    }
    Files.walk(root).sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> p.toFile().delete());
    module(Map.of("exercises/gate.md", GOOD, "01-one.fr.md", "---\nid: one\ntitle: Un\ntrack: military\n---\nUne leçon.\n"));
    assertEquals(List.of("01-one.fr.md:4: 'track' is 'military' here but 'police' in the English file"),
        loader.load(root).problems().stream().map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message()).toList());
  }

  @Test
  @DisplayName("a module is offered in French only once its exercises are French too")
  void languagesCountExercises() throws IOException {
    String french = "---\nid: alpha\ntitle: Alpha en français\n---\nVue d’ensemble.\n";
    String lesson = "---\nid: one\ntitle: Un\n---\nUne leçon pour les policiers.\n";
    module(Map.of("module.fr.md", french, "01-one.fr.md", lesson, "exercises/gate.md", GOOD));
    assertEquals(List.of("en"), loader.load(root).module("alpha").orElseThrow().languages());
    module(Map.of("module.fr.md", french, "01-one.fr.md", lesson, "exercises/gate.md", GOOD, "exercises/gate.fr.md", GOOD_FR));
    assertEquals(List.of("en", "fr"), loader.load(root).module("alpha").orElseThrow().languages());
  }

  @Test
  @DisplayName("a module version kept before exercises and tracks existed reads back with none")
  void olderVersionsRead() throws IOException {
    module(Map.of("exercises/gate.md", GOOD, "quiz.md", """
        ---
        pass_mark: 50
        max_attempts: 0
        ---
        ## Question: plain
        Who protects?

        - [x] The State
        - [ ] Nobody

        Explanation: The State.
        Source: A source
        """));
    Module m = loader.load(root).module("alpha").orElseThrow();
    io.vertx.core.json.JsonObject old = ModuleCodec.toJson(m);
    old.remove("exercises");
    old.getJsonArray("lessons").forEach(l -> ((io.vertx.core.json.JsonObject) l).remove("track"));
    io.vertx.core.json.JsonObject oldQuiz = ModuleCodec.quizToJson(m.quiz().orElseThrow());
    oldQuiz.getJsonArray("questions").forEach(q -> ((io.vertx.core.json.JsonObject) q).remove("track"));
    Module back = ModuleCodec.fromJson(old, 1, oldQuiz);
    assertEquals(List.of(), back.exercises());
    assertNull(back.lessons().get(0).track());
    assertNull(back.quiz().orElseThrow().questions().get(0).track());
  }

  @Test
  @DisplayName("a quiz question's Track: line gives it a track; an unknown track, or another one in French, is reported")
  void questionTracks() throws IOException {
    String quiz = """
        ---
        pass_mark: 50
        max_attempts: 0
        ---
        ## Question: gate
        Type: scenario
        Track: military

        > People at the gate.

        What do you do?

        - [x] Report
          Feedback: Yes.
        - [ ] Wait
          Feedback: No.

        Explanation: Report.
        Source: A source

        ## Question: plain
        Who protects?

        - [x] The State
        - [ ] Nobody

        Explanation: The State.
        Source: A source
        """;
    module(Map.of("quiz.md", quiz, "exercises/gate.md", GOOD));
    assertEquals(List.of(), loader.load(root).problems());
    Module m = loader.load(root).module("alpha").orElseThrow();
    assertEquals(Track.MILITARY, m.quiz().orElseThrow().questions().get(0).track());
    assertNull(m.quiz().orElseThrow().questions().get(1).track());
    Quiz back = ModuleCodec.quizFromJson(ModuleCodec.quizToJson(m.quiz().orElseThrow()));
    assertEquals(Track.MILITARY, back.questions().get(0).track());

    module(Map.of("quiz.md", quiz.replace("Track: military", "Track: sailor"), "exercises/gate.md", GOOD));
    assertEquals(List.of("quiz.md:7: unknown track 'sailor' (use military, police or staff)"),
        loader.load(root).problems().stream().map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message()).toList());

    module(Map.of("quiz.md", quiz, "quiz.fr.md", quiz.replace("Track: military", "Track: police"), "exercises/gate.md", GOOD));
    assertEquals(List.of("quiz.fr.md:7: track is police here but military in the English quiz"),
        loader.load(root).problems().stream().map(p -> p.file().getFileName() + ":" + p.line() + ": " + p.message()).toList());
  }

  @Test
  @DisplayName("a reader's track comes first, then what is for everyone, then the other tracks")
  void trackFirst() {
    record Item(String name, Track track) { }
    List<Item> items = List.of(new Item("a", null), new Item("b", Track.POLICE), new Item("c", Track.MILITARY),
        new Item("d", null), new Item("e", Track.POLICE));
    assertEquals(List.of("b", "e", "a", "d", "c"), Module.trackFirst(items, Item::track, Track.POLICE).stream().map(Item::name).toList());
    assertEquals(List.of("c", "a", "d", "b", "e"), Module.trackFirst(items, Item::track, Track.MILITARY).stream().map(Item::name).toList());
    assertEquals(items, Module.trackFirst(items, Item::track, null));
  }
}
