package org.pillars.content;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every module that loaded cleanly, in catalogue order, and the problems of those that did not. */
public final class Catalog {

  private final List<Module> modules;
  private final List<Problem> problems;
  private final Map<String, Module> byId;
  private final Map<String, Path> folders;

  public Catalog(List<Module> modules, List<Problem> problems) {
    this(modules, problems, Map.of());
  }

  /** {@code folders}: the folder each module was read from, for those read from one. */
  public Catalog(List<Module> modules, List<Problem> problems, Map<String, Path> folders) {
    this.modules = List.copyOf(modules);
    this.problems = List.copyOf(problems);
    this.folders = Map.copyOf(folders);
    Map<String, Module> index = new LinkedHashMap<>();
    this.modules.forEach(m -> index.put(m.id(), m));
    this.byId = Map.copyOf(index);
  }

  public static Catalog empty() {
    return new Catalog(List.of(), List.of());
  }

  public List<Module> modules() {
    return modules;
  }

  public List<Problem> problems() {
    return problems;
  }

  public Optional<Module> module(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Optional<Path> folder(String moduleId) {
    return Optional.ofNullable(folders.get(moduleId));
  }

  public int lessonCount() {
    return modules.stream().mapToInt(m -> m.lessons().size()).sum();
  }
}
