package org.pillars.content;

import com.vladsch.flexmark.ast.AutoLink;
import com.vladsch.flexmark.ast.Image;
import com.vladsch.flexmark.ast.Link;
import com.vladsch.flexmark.ast.Reference;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.AttributeProvider;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.IndependentAttributeProviderFactory;
import com.vladsch.flexmark.html.renderer.AttributablePart;
import com.vladsch.flexmark.html.renderer.LinkResolverContext;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.html.MutableAttributes;
import com.vladsch.flexmark.util.sequence.BasedSequence;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * The one Markdown pipeline: authored raw HTML is escaped by flexmark, links are resolved by the caller,
 * and the output goes through an allow-list HTML sanitizer, so no authored text can run script.
 * Built once; thread-safe.
 */
public final class MarkdownRenderer {

  /** What a link in Markdown becomes: a new URL, or a problem message. */
  /** A link resolver that resolves images its own way (a module's own image files); others treat images as links. */
  public interface Links extends BiFunction<String, Integer, Optional<LinkTarget>> {
    Optional<LinkTarget> image(String url, Integer line);
  }

  public sealed interface LinkTarget {
    record Url(String url) implements LinkTarget { }

    record Broken(String message) implements LinkTarget { }
  }

  private static final Pattern EXTERNAL = Pattern.compile("(?i)^(https?:)?//.*");

  private static final PolicyFactory POLICY = new HtmlPolicyBuilder()
      .allowElements("p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "strong", "em", "del",
          "code", "pre", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "a", "img")
      .allowUrlProtocols("https", "mailto")
      .allowAttributes("href", "title").onElements("a")
      .allowAttributes("rel").matching(Pattern.compile("noopener noreferrer")).onElements("a")
      .allowAttributes("src", "alt", "title").onElements("img")
      .allowAttributes("id").matching(Pattern.compile("[\\p{L}\\p{N}_-]{1,80}")).onElements("h2", "h3", "h4", "h5", "h6")
      .allowAttributes("start").matching(Pattern.compile("[0-9]{1,4}")).onElements("ol")
      .allowAttributes("align").matching(Pattern.compile("left|center|right")).onElements("th", "td")
      .allowAttributes("class").matching(Pattern.compile("language-[a-zA-Z0-9_+-]{1,30}")).onElements("code")
      .toFactory();

  private final Parser parser;
  private final HtmlRenderer renderer;

  public MarkdownRenderer() {
    MutableDataSet options = new MutableDataSet();
    options.set(Parser.EXTENSIONS, List.of(TablesExtension.create()));
    options.set(HtmlRenderer.ESCAPE_HTML, true);
    options.set(HtmlRenderer.GENERATE_HEADER_ID, true);
    options.set(HtmlRenderer.RENDER_HEADER_ID, true);
    options.set(HtmlRenderer.SOFT_BREAK, "\n");
    this.parser = Parser.builder(options).build();
    this.renderer = HtmlRenderer.builder(options)
        .attributeProviderFactory(new IndependentAttributeProviderFactory() {
          @Override
          public AttributeProvider apply(LinkResolverContext context) {
            return MarkdownRenderer::externalLinkAttributes;
          }
        })
        .build();
  }

  /**
   * Renders {@code markdown}, whose first line is line {@code firstLine} of {@code file}. Every link and
   * image URL goes through {@code links} (given the URL and its line); broken ones are added to
   * {@code problems} with their line.
   */
  public String render(SourceFile file, BiFunction<String, Integer, Optional<LinkTarget>> links, List<Problem> problems) {
    return render(file.path(), file.body(), file.bodyFirstLine(), links, problems);
  }

  /** Renders a piece of {@code file} that starts on line {@code firstLine}. */
  public String render(java.nio.file.Path file, String markdown, int firstLine,
      BiFunction<String, Integer, Optional<LinkTarget>> links, List<Problem> problems) {
    try {
      return renderChecked(file, markdown, firstLine, links, problems);
    } catch (StackOverflowError e) {
      // flexmark recurses once per nesting level (and its regex once per character of a '***' line): a text
      // nested hundreds deep is refused as a problem of this file, and the other files and modules still load
      problems.add(new Problem(file, firstLine, "the text is nested too deeply, or has a line of *, - or _ too long, to be "
          + "rendered; keep quotes and lists a few levels deep"));
      return "";
    }
  }

  private String renderChecked(java.nio.file.Path file, String markdown, int firstLine,
      BiFunction<String, Integer, Optional<LinkTarget>> links, List<Problem> problems) {
    Document document = parser.parse(markdown);
    for (Node node : document.getDescendants()) {
      int line = firstLine + node.getStartLineNumber();
      if (node instanceof Link link) {
        link.setUrl(resolve(file, link.getUrl(), line, links, problems));
      } else if (node instanceof Image image) {
        BiFunction<String, Integer, Optional<LinkTarget>> images = links instanceof Links own ? own::image : links;
        image.setUrl(resolve(file, image.getUrl(), line, images, problems));
      } else if (node instanceof Reference reference) {
        reference.setUrl(resolve(file, reference.getUrl(), line, links, problems));
      } else if (node instanceof AutoLink autoLink) {
        // an autolink's href is rendered from its text, which needs no rewriting: only its problem counts
        resolve(file, autoLink.getUrl(), line, links, problems);
      }
    }
    return scrollableTables(sanitize(renderer.render(document)));
  }

  private static final Pattern TABLE = Pattern.compile("<table>(.*?)</table>", Pattern.DOTALL);
  private static final Pattern HEAD = Pattern.compile("<thead>(.*?)</thead>", Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<[^>]*>");

  /**
   * Puts each table of sanitized HTML in a box that scrolls sideways on a narrow screen and that a keyboard can focus
   * and scroll: a labelled region named by the table's column headings (in the content's own language). Runs after
   * the sanitizer, on its canonical output, so authored text can add neither the box nor its attributes.
   */
  static String scrollableTables(String html) {
    Matcher table = TABLE.matcher(html);
    StringBuilder out = new StringBuilder(html.length() + 128);
    while (table.find()) {
      Matcher head = HEAD.matcher(table.group(1));
      String label = head.find() ? TAG.matcher(head.group(1).replace("</th>", ", ")).replaceAll("") : "";
      label = label.replaceAll("\\s+", " ").strip().replaceAll(",$", "").replace("\"", "&#34;");
      if (label.length() > 120) {
        label = label.substring(0, label.lastIndexOf(' ', 117) < 0 ? 117 : label.lastIndexOf(' ', 117)).replaceAll("&[^; ]*$", "") + "…";
      }
      table.appendReplacement(out, Matcher.quoteReplacement("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\""
          + (label.isEmpty() ? "" : " aria-label=\"" + label + "\"") + ">" + table.group() + "</div>"));
    }
    table.appendTail(out);
    return out.toString();
  }

  /** The allow-list sanitizer, also used on its own by tests. */
  public static String sanitize(String html) {
    return POLICY.sanitize(html);
  }

  /** As {@link #render}, without the paragraph around a text of one paragraph (for option labels). */
  public String renderInline(java.nio.file.Path file, String markdown, int firstLine,
      BiFunction<String, Integer, Optional<LinkTarget>> links, List<Problem> problems) {
    String html = render(file, markdown, firstLine, links, problems).strip();
    if (html.startsWith("<p>") && html.endsWith("</p>") && html.indexOf("<p>", 3) < 0) {
      return html.substring(3, html.length() - 4);
    }
    return html;
  }

  private static BasedSequence resolve(java.nio.file.Path file, BasedSequence raw, int line,
      BiFunction<String, Integer, Optional<LinkTarget>> links, List<Problem> problems) {
    // Judge the URL as the browser will see it, with entities and backslash escapes already decoded.
    Optional<LinkTarget> target = links.apply(raw.unescape(), line);
    if (target.isEmpty()) {
      return raw;
    }
    if (target.get() instanceof LinkTarget.Broken broken) {
      problems.add(new Problem(file, line, broken.message()));
      return BasedSequence.of("#");
    }
    return BasedSequence.of(((LinkTarget.Url) target.get()).url());
  }

  private static void externalLinkAttributes(Node node, AttributablePart part, MutableAttributes attributes) {
    if ((node instanceof Link || node instanceof AutoLink
        || node instanceof com.vladsch.flexmark.ast.LinkRef) && attributes.contains("href")
        && EXTERNAL.matcher(attributes.getValue("href")).matches()) {
      attributes.replaceValue("rel", "noopener noreferrer");
    }
  }
}
