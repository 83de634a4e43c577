package org.pillars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The package graph points one way: {@code App} wires features (auth, learning, cohorts, catalog) to the HTTP
 * layer (web), which knows none of them; both stand on core (domain errors, who is signed in, route tables)
 * and http (pages, JSON, languages). SQL lives in repositories, and a feature's repository is its own.
 */
class ArchitectureTest {

  private static final String[] FEATURES = {"org.pillars.auth..", "org.pillars.learning..", "org.pillars.cohorts..",
      "org.pillars.catalog..", "org.pillars.authoring..", "org.pillars.audit..", "org.pillars.credentials..",
      "org.pillars.lti..", "org.pillars.outbox..", "org.pillars.xapi.."};

  private static JavaClasses main;

  @BeforeAll
  static void load() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.pillars");
  }

  @Test
  @DisplayName("no two packages depend on each other, directly or round a circle")
  void noCycles() {
    slices().matching("org.pillars.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  @DisplayName("features never import the HTTP layer, and the HTTP layer never imports a feature")
  void featuresAndWebApart() {
    noClasses().that().resideInAnyPackage(FEATURES).should().dependOnClassesThat().resideInAPackage("org.pillars.web..")
        .check(main);
    noClasses().that().resideInAPackage("org.pillars.web..").should().dependOnClassesThat().resideInAnyPackage(FEATURES)
        .check(main);
  }

  @Test
  @DisplayName("core stands on nothing of ours; the page kit on no feature and not on the HTTP layer")
  void coreAtTheBottom() {
    noClasses().that().resideInAPackage("org.pillars.core..").should()
        .dependOnClassesThat(resideInAPackage("org.pillars..").and(not(resideInAPackage("org.pillars.core.."))))
        .check(main);
    noClasses().that().resideInAPackage("org.pillars.http..").should().dependOnClassesThat()
        .resideInAnyPackage(FEATURES).check(main);
    noClasses().that().resideInAPackage("org.pillars.http..").should().dependOnClassesThat()
        .resideInAPackage("org.pillars.web..").check(main);
  }

  @Test
  @DisplayName("only repositories, the database package and the seeds talk SQL (error types aside)")
  void sqlOnlyInRepositories() {
    noClasses().that().haveSimpleNameNotEndingWith("Repository")
        .and().resideOutsideOfPackages("org.pillars.db..", "org.pillars.seeds..")
        .should().dependOnClassesThat(resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..")
            .and(not(assignableTo(Throwable.class))))
        .check(main);
  }

  @Test
  @DisplayName("route tables call services, never a repository")
  void routesGoThroughServices() {
    noClasses().that().haveSimpleNameEndingWith("Routes").or().haveSimpleNameEndingWith("Api")
        .should().dependOnClassesThat().haveSimpleNameEndingWith("Repository")
        .check(main);
  }

  @Test
  @DisplayName("accounts and set-up codes are written by auth's repository alone (the first-run seeds aside)")
  void accountsHaveOneOwner() throws IOException {
    writtenOnlyBy("accounts|password_setups", "", Path.of("src/main/java/org/pillars/auth/AuthRepository.java"),
        Path.of("src/main/java/org/pillars/seeds/Seeds.java"));
  }

  @Test
  @DisplayName("the outbox is written by its repository alone (and by V23's triggers, in SQL)")
  void outboxHasOneOwner() throws IOException {
    writtenOnlyBy("outbox|outbox_channels", "|outbox_enqueue", Path.of("src/main/java/org/pillars/outbox/OutboxRepository.java"));
  }

  /** Only {@code owner} (and {@code also}) has INSERT, UPDATE or DELETE of {@code tables} (or {@code more} of the pattern). */
  private static void writtenOnlyBy(String tables, String more, Path owner, Path... also) throws IOException {
    Pattern write = Pattern.compile("(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(" + tables + ")\\b" + more, Pattern.CASE_INSENSITIVE);
    List<Path> allowed = new java.util.ArrayList<>(List.of(also));
    allowed.add(owner);
    assertEquals(List.of(), writersBesides(write, allowed.toArray(Path[]::new)), "only " + owner.getFileName() + " writes " + tables);
    assertTrue(write.matcher(read(owner)).find(), "the rule must see " + owner.getFileName() + "'s own writes");
  }

  /** The main sources, {@code allowed} aside, in which {@code write} is found. */
  private static List<String> writersBesides(Pattern write, Path... allowed) throws IOException {
    List<Path> skip = List.of(allowed);
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      return files.filter(p -> p.toString().endsWith(".java") && !skip.contains(p))
          .filter(p -> write.matcher(read(p)).find()).map(Path::toString).toList();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("a feature's repository is used by that feature alone (and wired by App)")
  void repositoriesStayHome() {
    for (String feature : FEATURES) {
      classes().that().resideInAPackage(feature).and().haveSimpleNameEndingWith("Repository")
          .should().onlyHaveDependentClassesThat().resideInAnyPackage(feature, "org.pillars")
          .allowEmptyShould(true)  // a feature without a table of its own has no repository
          .check(main);
    }
  }
}
