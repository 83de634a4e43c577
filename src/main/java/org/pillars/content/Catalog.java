package org.pillars.content;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pillars.core.Principal;
import org.pillars.core.Role;

/**
 * Every module that loaded cleanly, in catalogue order, and the problems of those that did not; and who each module is
 * for. The one rule of who sees a module lives here ({@link #visible}): a module for every organisation is seen by
 * everyone, signed in or not; one for an organisation by the accounts of that organisation and of the units below
 * it, and by admins.
 */
public final class Catalog {

  private final List<Module> modules;
  private final List<Problem> problems;
  private final Map<String, Module> byId;
  private final Map<String, Path> folders;
  private final Map<String, Long> scopes;

  public Catalog(List<Module> modules, List<Problem> problems) {
    this(modules, problems, Map.of());
  }

  public Catalog(List<Module> modules, List<Problem> problems, Map<String, Path> folders) {
    this(modules, problems, folders, Map.of());
  }

  /**
   * {@code folders}: the folder each module was read from, for those read from one; {@code scopes}: the organisation
   * each module is for, for those not for every organisation.
   */
  public Catalog(List<Module> modules, List<Problem> problems, Map<String, Path> folders, Map<String, Long> scopes) {
    this.modules = List.copyOf(modules);
    this.problems = List.copyOf(problems);
    this.folders = Map.copyOf(folders);
    this.scopes = Map.copyOf(scopes);
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

  /** The organisation a module is for (with its units); empty when it is for every organisation. */
  public Optional<Long> scope(String moduleId) {
    return Optional.ofNullable(scopes.get(moduleId));
  }

  /** Whether {@code who} (nobody: an anonymous reader) may see the module. */
  public boolean visible(String moduleId, Optional<Principal> who) {
    Long scope = scopes.get(moduleId);
    return scope == null || who.isPresent() && (who.get().role() == Role.ADMIN || who.get().organisations().contains(scope));
  }

  /** Whether the module is for an organisation whose path (itself, then each one above it) is {@code path}. */
  public boolean visibleWithin(String moduleId, List<Long> path) {
    Long scope = scopes.get(moduleId);
    return scope == null || path.contains(scope);
  }

  /** The modules {@code who} may see, in catalogue order. */
  public List<Module> modules(Optional<Principal> who) {
    return modules.stream().filter(m -> visible(m.id(), who)).toList();
  }

  /** The module, if there is one and {@code who} may see it. */
  public Optional<Module> module(String id, Optional<Principal> who) {
    return module(id).filter(m -> visible(id, who));
  }

  public Optional<Path> folder(String moduleId) {
    return Optional.ofNullable(folders.get(moduleId));
  }

  public int lessonCount() {
    return modules.stream().mapToInt(m -> m.lessons().size()).sum();
  }
}
