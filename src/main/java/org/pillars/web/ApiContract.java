package org.pillars.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.pillars.core.Access;
import org.pillars.core.Invalid;
import org.pillars.core.Unsupported;
import org.pillars.http.Json;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code openapi.yaml} enforced: every request to a documented /api operation is checked against it (parameters and
 * body, with Vert.x's OpenAPI validator) before the route's handler runs, and a request that does not fit is a 400
 * with a reason of our own, never the validator's text. With {@code checkResponses} (tests), every JSON answer whose
 * status the document describes is checked against its schema too, and each mismatch is logged and kept.
 */
public final class ApiContract {

  private static final Logger LOG = Logger.getLogger(ApiContract.class.getName());

  private final OpenAPIContract contract;
  private final RequestValidatorImpl requests;
  private final ResponseValidator responses;
  private final boolean checkResponses;
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Set<String> checked = ConcurrentHashMap.newKeySet();

  private ApiContract(Vertx vertx, OpenAPIContract contract, boolean checkResponses) {
    this.contract = contract;
    OpenAPIContract cached = new CachedSchemas(contract);
    this.requests = new RequestValidatorImpl(vertx, cached);
    this.responses = ResponseValidator.create(vertx, cached);
    this.checkResponses = checkResponses;
  }

  /** Reads the document from the classpath, where the build puts it (the same bytes GET /api/openapi.yaml serves). */
  public static Future<ApiContract> load(Vertx vertx, boolean checkResponses) {
    return vertx.executeBlocking(ApiContract::document, false)
        .compose(doc -> OpenAPIContract.from(vertx, doc))
        .map(contract -> new ApiContract(vertx, contract, checkResponses));
  }

  static JsonObject document() {
    try (InputStream in = ApiContract.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the build");
      }
      Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      // through JSON text, so that YAML's keys ('200') and values become plain JSON types
      JsonObject doc = new JsonObject(io.vertx.core.json.Json.encode(yaml));
      // the validator wants absolute server URLs; ours is relative ("/": wherever the API is served), and only
      // its path matters for matching requests
      doc.put("servers", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", "http://localhost/")));
      // read as OpenAPI 3.1, whose JSON Schema says "this or null" as a list of types (3.0's nullable, rewritten)
      doc.put("openapi", "3.1.0");
      return typeUnions(nullable(jsonOnly(doc)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The validator's view keeps only the JSON bodies: a CSV roster, the CSV export and the YAML document itself are
   * checked by our own readers (RosterCsv) or are ours to write, and the validator does not read those types.
   */
  private static JsonObject jsonOnly(JsonObject doc) {
    JsonObject paths = doc.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation)) {
          continue;
        }
        JsonObject body = operation.getJsonObject("requestBody");
        if (body != null && keepJson(body.getJsonObject("content"))) {
          operation.remove("requestBody");
        }
        JsonObject responses = operation.getJsonObject("responses", new JsonObject());
        for (String status : responses.fieldNames()) {
          if (responses.getValue(status) instanceof JsonObject response && keepJson(response.getJsonObject("content"))) {
            response.remove("content");
          }
        }
      }
    }
    return doc;
  }

  /**
   * OpenAPI 3.0's {@code nullable: true} as the validator's JSON Schema reads it: a type that also admits null
   * (the validator does not honour the keyword by itself, and would refuse every null the document allows).
   */
  private static JsonObject nullable(JsonObject schema) {
    if (Boolean.TRUE.equals(schema.getValue("nullable")) && schema.getValue("type") instanceof String type) {
      schema.remove("nullable");
      schema.put("type", new io.vertx.core.json.JsonArray().add(type).add("null"));
    }
    subschemas(schema, ApiContract::nullable);
    return schema;
  }

  /** The keywords that JSON Schema applies to one type only; a value of any other type passes them. */
  private static final Map<String, Set<String>> TYPE_KEYWORDS = Map.of(
      "integer", Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
      "number", Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
      "string", Set.of("minLength", "maxLength", "pattern", "format"),
      "array", Set.of("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"),
      "object", Set.of("properties", "required", "additionalProperties", "patternProperties", "minProperties",
          "maxProperties", "propertyNames"),
      "boolean", Set.of());

  private static final Set<String> ANNOTATIONS = Set.of("description", "title", "example", "examples");

  /**
   * A {@code oneOf} or {@code anyOf} whose branches are each one type, no two of which can hold the same value, and
   * each only with keywords of its own type, rewritten as one schema with a list of types and the union of their
   * keywords: it admits exactly the same values. The validator's general path for a choice of schemas runs in one
   * method too large for the JIT to compile (over HotSpot's 8,000 bytes of bytecode) and costs a quiz submit about
   * twice the time of the merged form. Anything else is left as written.
   */
  static JsonObject typeUnions(JsonObject schema) {
    for (String choice : List.of("oneOf", "anyOf")) {
      if (schema.getValue(choice) instanceof io.vertx.core.json.JsonArray branches) {
        JsonObject merged = merge(branches);
        if (merged != null && disjoint(schema.fieldNames(), merged.fieldNames())) {
          schema.remove(choice);
          schema.mergeIn(merged);
        }
      }
    }
    subschemas(schema, ApiContract::typeUnions);
    return schema;
  }

  /** The branches as one schema, or null when they cannot be merged without changing what they admit. */
  private static JsonObject merge(io.vertx.core.json.JsonArray branches) {
    JsonObject merged = new JsonObject();
    io.vertx.core.json.JsonArray types = new io.vertx.core.json.JsonArray();
    for (Object item : branches) {
      if (!(item instanceof JsonObject branch) || !(branch.getValue("type") instanceof String type)
          || !TYPE_KEYWORDS.containsKey(type) || types.contains(type)) {
        return null;
      }
      types.add(type);
      for (String key : branch.fieldNames()) {
        if (key.equals("type") || ANNOTATIONS.contains(key)) {
          continue;
        }
        if (!TYPE_KEYWORDS.get(type).contains(key) || merged.containsKey(key)) {
          return null;
        }
        merged.put(key, branch.getValue(key));
      }
    }
    // an integer is a number: the two would overlap, and oneOf would refuse what both admit
    if (types.size() < 2 || types.contains("integer") && types.contains("number")) {
      return null;
    }
    return merged.put("type", types);
  }

  private static boolean disjoint(Set<String> a, Set<String> b) {
    return b.stream().noneMatch(a::contains);
  }

  /** Keywords whose values are instance data, not schemas: a rewrite must not touch them. */
  private static final Set<String> DATA = Set.of("enum", "const", "default", "example", "examples");

  /** Applies {@code rewrite} to every object directly inside {@code schema}, and in its lists, but not to data. */
  private static void subschemas(JsonObject schema, java.util.function.Consumer<JsonObject> rewrite) {
    for (String key : schema.fieldNames()) {
      if (DATA.contains(key)) {
        continue;
      }
      Object value = schema.getValue(key);
      if (value instanceof JsonObject child) {
        rewrite.accept(child);
      } else if (value instanceof io.vertx.core.json.JsonArray list) {
        list.forEach(item -> {
          if (item instanceof JsonObject child) {
            rewrite.accept(child);
          }
        });
      }
    }
  }

  /** Drops every media type but JSON from {@code content}; true when nothing is left. */
  private static boolean keepJson(JsonObject content) {
    if (content == null) {
      return false;
    }
    content.fieldNames().removeIf(type -> !type.startsWith("application/json"));
    return content.isEmpty();
  }

  /**
   * Arms the check of a request to a documented operation (an undocumented path is left to the router's 404). It runs
   * once the route's access guard admits the caller, so that a caller who may not use the route gets its 401 or
   * 403, not a lesson in the API's shape.
   */
  void validateRequest(RoutingContext ctx) {
    Operation operation = contract.findOperation(ctx.request().path(), ctx.request().method());
    if (operation == null) {
      ctx.next();
      return;
    }
    if (checkResponses) {
      ctx.put(Json.RESPONSE_CHECK, (Json.ResponseCheck) (status, body) -> checkResponse(operation, status, body));
    }
    Access.onAdmission(ctx, admitted -> {
      Buffer body = admitted.body() == null || admitted.body().buffer() == null ? Buffer.buffer() : admitted.body().buffer();
      RequestUtils.extract(admitted.request(), operation, () -> Future.succeededFuture(body))
          .onSuccess(request -> {
            try {
              if (validate(request, operation) instanceof JsonObject checked) {
                // the handler reads the body the check has just parsed, rather than parsing it again
                admitted.put(Json.CHECKED_BODY, checked);
              }
            } catch (RuntimeException e) {
              admitted.fail(refusal(operation, e));
              return;
            }
            admitted.next();
          })
          .onFailure(e -> admitted.fail(refusal(operation, e)));
    });
    ctx.next();
  }

  /**
   * What the validator's {@code validate} does, on the event loop: every parameter the operation documents, then
   * the body. Its Future form hands each request to an ordered worker ({@code executeBlocking}), where the requests
   * of one event loop wait behind each other, for checks that take microseconds. Answers the body as parsed (null
   * when the operation takes none).
   */
  private Object validate(ValidatableRequest request, Operation operation) {
    for (Parameter p : operation.getParameters()) {
      Map<String, RequestParameter> values = switch (p.getIn()) {
        case COOKIE -> request.getCookies();
        case HEADER -> request.getHeaders();
        case PATH -> request.getPathParameters();
        case QUERY -> request.getQuery();
      };
      requests.validateParameter(p, values.get(p.getName()));
    }
    return requests.validateBody(operation.getRequestBody(), request).get();
  }

  /**
   * A reason of our own, never the validator's text: which parameter (named by the document) and what it must be,
   * or where in the body the mismatch is, with the document's address.
   */
  static RuntimeException refusal(Operation operation, Throwable e) {
    if (!(e instanceof ValidatorException v)) {
      return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    for (io.vertx.openapi.contract.Parameter p : operation.getParameters()) {
      // the validator names the parameter it refused; we only look for which of ours it is
      if (v.getMessage() != null && v.getMessage().matches("(?s).*\\b" + java.util.regex.Pattern.quote(p.getName()) + "\\b.*")) {
        return new Invalid(expectation(p));
      }
    }
    if (v.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return new Unsupported("send the body as application/json; see /api/openapi.yaml");
    }
    if (v.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return new Invalid("the request body is missing; see /api/openapi.yaml");
    }
    String where = " in the body";
    if (v instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      OutputUnit leaf = deepest(s.getOutputUnit());
      String location = leaf.getInstanceLocation() == null ? "" : leaf.getInstanceLocation().replaceFirst("^#", "");
      String keyword = leaf.getKeywordLocation() == null ? "" : leaf.getKeywordLocation();
      String rule = keyword.substring(keyword.lastIndexOf('/') + 1);
      where = (location.isEmpty() ? " in the body" : " at '" + location + "' of the body") + (rule.isEmpty() ? "" : " (" + rule + ")");
      java.util.regex.Matcher property = java.util.regex.Pattern.compile("\"([A-Za-z][A-Za-z0-9_]{0,63})\"")
          .matcher(String.valueOf(leaf.getError()));
      if ("required".equals(rule) && property.find()) {
        // the one thing taken from the validator: the name of a property our own document requires
        return new Invalid("the body needs '" + property.group(1) + "'" + (location.isEmpty() ? "" : " at '" + location + "'")
            + "; see /api/openapi.yaml");
      }
    }
    return new Invalid("the request does not match the API description" + where + "; see /api/openapi.yaml");
  }

  /** What a parameter must be, from its schema in the document: "'limit' must be a whole number from 1 to 1000". */
  static String expectation(io.vertx.openapi.contract.Parameter p) {
    JsonObject schema = p.getOpenAPIModel().getJsonObject("schema", new JsonObject());
    String name = "'" + p.getName() + "' (" + p.getIn().name().toLowerCase(java.util.Locale.ROOT) + ")";
    Object type = schema.getValue("type");
    String what = "integer".equals(type) ? "a whole number" : "number".equals(type) ? "a number"
        : "uuid".equals(schema.getString("format")) ? "an id as issued (a UUID)"
        : "date".equals(schema.getString("format")) ? "a date as YYYY-MM-DD" : "a text";
    Object min = schema.getValue("minimum");
    Object max = schema.getValue("maximum");
    String range = min != null && max != null ? " from " + min + " to " + max
        : min != null ? " of at least " + min : max != null ? " of at most " + max : "";
    if (schema.getValue("enum") instanceof io.vertx.core.json.JsonArray values) {
      return name + " must be one of " + values.encode();
    }
    if (schema.getValue("maxLength") instanceof Number n) {
      range = " of at most " + n + " characters";
    }
    return name + (p.isRequired() ? " is required and" : "") + " must be " + what + range + "; see /api/openapi.yaml";
  }

  /** The most precise failure: the leaf error whose instance location is the longest. */
  private static OutputUnit deepest(OutputUnit unit) {
    OutputUnit best = unit;
    if (unit.getErrors() != null) {
      for (OutputUnit child : unit.getErrors()) {
        OutputUnit leaf = deepest(child);
        if (length(leaf) >= length(best)) {
          best = leaf;
        }
      }
    }
    return best;
  }

  private static int length(OutputUnit unit) {
    return unit.getInstanceLocation() == null ? -1 : unit.getInstanceLocation().length();
  }

  private void checkResponse(Operation operation, int status, Buffer body) {
    if (operation.getResponse(status) != null) {
      checkResponse(operation.getOperationId(), status, body);
    }
  }

  /** Checks one JSON answer of operation {@code id}; a mismatch is logged and kept in {@link #violations()}. */
  Future<?> checkResponse(String id, int status, Buffer body) {
    checked.add(id + " " + status);
    ValidatableResponse response = ValidatableResponse.create(status, Map.of(), body, "application/json");
    // recover, not onFailure: the future handed back completes only once the violation is recorded (a listener
    // added beside the caller's may run after it, and the caller would look too early)
    return responses.validate(response, id).recover(e -> {
      OutputUnit leaf = e instanceof SchemaValidationException s && s.getOutputUnit() != null ? deepest(s.getOutputUnit()) : null;
      String detail = leaf == null ? e.getMessage() : leaf.getInstanceLocation() + " " + leaf.getKeywordLocation() + ": " + leaf.getError();
      violations.add(id + " " + status + " " + detail);
      LOG.log(Level.SEVERE, "response does not match openapi.yaml: " + id + " " + status + " " + detail);
      return Future.failedFuture(e);
    });
  }

  /** Responses that broke their documented schema (only kept when responses are checked). */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** Which operation and status pairs had a response checked. */
  public Set<String> checked() {
    return Set.copyOf(checked);
  }

  /** Keeps only the first {@code count} violations (a test that provoked one on purpose takes it back). */
  void forget(int count) {
    while (violations.size() > count) {
      violations.remove(violations.size() - 1);
    }
  }

  /** Every operation id with the 2xx statuses it documents with a JSON body, for coverage checks. */
  public Map<String, Set<Integer>> documentedJsonSuccesses() {
    Map<String, Set<Integer>> all = new java.util.TreeMap<>();
    for (Operation op : contract.operations()) {
      JsonObject responses = op.getOpenAPIModel().getJsonObject("responses", new JsonObject());
      Set<Integer> statuses = new java.util.TreeSet<>();
      for (String code : responses.fieldNames()) {
        if (code.matches("2\\d\\d") && responses.getValue(code) instanceof JsonObject r && r.containsKey("content")) {
          statuses.add(Integer.parseInt(code));
        }
      }
      if (!statuses.isEmpty()) {
        all.put(op.getOperationId(), statuses);
      }
    }
    return all;
  }
}
