package org.pillars.content;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One authored Markdown file split into its YAML front matter (each field with the line it is on) and
 * its Markdown body (with the line the body starts on), or the problems that stopped the split.
 */
public record SourceFile(Path path, Map<String, Field> fields, String body, int bodyFirstLine) {

  /** A front-matter field: text or a list of text, and the 1-based line of its key. */
  public record Field(String key, int line, String text, List<String> list) {

    boolean isList() {
      return list != null;
    }
  }

  private static final int MAX_FILE_BYTES = 1024 * 1024;

  /** Reads and splits {@code path}; on failure adds to {@code problems} and returns empty. */
  public static Optional<SourceFile> read(Path path, List<Problem> problems) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      problems.add(new Problem(path, 1, "cannot read the file: " + e.getMessage()));
      return Optional.empty();
    }
    if (bytes.length > MAX_FILE_BYTES) {
      problems.add(new Problem(path, 1, "file is larger than 1 MiB"));
      return Optional.empty();
    }
    Optional<String> text = decodeUtf8(path, bytes, problems);
    return text.flatMap(t -> split(path, t, problems));
  }

  static Optional<String> decodeUtf8(Path path, byte[] bytes, List<Problem> problems) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      problems.add(new Problem(path, line, "the file is not valid UTF-8 (byte " + (in.position() + 1)
          + "): save it as UTF-8"));
      return Optional.empty();
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return Optional.of(text.replace("\r\n", "\n").replace('\r', '\n'));
  }

  static Optional<SourceFile> split(Path path, String text, List<Problem> problems) {
    String[] lines = text.split("\n", -1);
    if (lines.length == 0 || !lines[0].strip().equals("---")) {
      problems.add(new Problem(path, 1, "missing front matter: the file must start with a line '---'"));
      return Optional.empty();
    }
    int close = -1;
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].stripTrailing();
      if (l.equals("---") || l.equals("...")) {
        close = i;
        break;
      }
    }
    if (close < 0) {
      problems.add(new Problem(path, 1, "front matter is not closed: add a line '---' after its last field"));
      return Optional.empty();
    }
    String yaml = String.join("\n", java.util.Arrays.copyOfRange(lines, 1, close));
    Optional<Map<String, Field>> fields = parseYaml(path, yaml, problems);
    String body = String.join("\n", java.util.Arrays.copyOfRange(lines, close + 1, lines.length));
    int bodyFirstLine = close + 2;
    return fields.map(f -> new SourceFile(path, f, body, bodyFirstLine));
  }

  private static Optional<Map<String, Field>> parseYaml(Path path, String yaml, List<Problem> problems) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(5);
    options.setCodePointLimit(256 * 1024);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 2 : 2;
      String why = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null && e.getContextMark() != null
          ? " (" + e.getContext() + " that starts on line " + (e.getContextMark().getLine() + 2) + ")" : "";
      problems.add(new Problem(path, line, "bad YAML in front matter: " + (why + context).replaceAll("\\s+", " ").trim()));
      return Optional.empty();
    } catch (YAMLException e) {
      problems.add(new Problem(path, 2, "bad YAML in front matter: " + e.getMessage().replaceAll("\\s+", " ").trim()));
      return Optional.empty();
    }
    if (root == null) {
      return Optional.of(Map.of());
    }
    if (!(root instanceof MappingNode mapping)) {
      problems.add(new Problem(path, 2, "front matter must be 'key: value' lines"));
      return Optional.empty();
    }
    Map<String, Field> fields = new LinkedHashMap<>();
    boolean ok = true;
    for (NodeTuple tuple : mapping.getValue()) {
      int line = tuple.getKeyNode().getStartMark().getLine() + 2;
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        problems.add(new Problem(path, line, "front matter keys must be plain words"));
        ok = false;
        continue;
      }
      String key = keyNode.getValue();
      Node value = tuple.getValueNode();
      if (value instanceof ScalarNode scalar) {
        fields.put(key, new Field(key, line, scalar.getValue(), null));
      } else if (value instanceof SequenceNode sequence) {
        List<String> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
          if (item instanceof ScalarNode s) {
            items.add(s.getValue());
          } else {
            problems.add(new Problem(path, item.getStartMark().getLine() + 2,
                "'" + key + "' must be a list of plain text items"));
            ok = false;
          }
        }
        fields.put(key, new Field(key, line, null, List.copyOf(items)));
      } else {
        problems.add(new Problem(path, line, "'" + key + "' must be text or a list of text"));
        ok = false;
      }
    }
    return ok ? Optional.of(fields) : Optional.empty();
  }
}
