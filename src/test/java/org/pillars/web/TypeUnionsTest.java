package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.Validator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The validator's view of a choice between types (ApiContract.typeUnions) admits exactly what the document admits,
 * and a choice that cannot be merged without changing that is left as written.
 */
class TypeUnionsTest {

  private static final JsonObject ANSWER = new JsonObject("""
      {"oneOf": [{"type": "integer", "minimum": 0},
                 {"type": "array", "items": {"type": "integer", "minimum": 0}}]}""");

  private static final List<Object> SAMPLES = List.of(0, 3, -1, 1.5, "1", true, new JsonArray(),
      new JsonArray().add(0).add(2), new JsonArray().add(-1), new JsonArray().add("0"), new JsonObject());

  private static boolean admits(JsonObject schema, Object value) {
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://pillars.test/");
    return Validator.create(JsonSchema.of(schema.copy()), options).validate(value).getValid();
  }

  @Test
  @DisplayName("a quiz answer (a whole number, or a list of them) is one schema with two types, admitting the same values")
  void answerMerged() {
    JsonObject merged = ApiContract.typeUnions(ANSWER.copy());
    assertNull(merged.getValue("oneOf"), merged.encode());
    assertEquals(new JsonArray().add("integer").add("array"), merged.getValue("type"));
    int admitted = 0;
    for (Object sample : SAMPLES) {
      assertEquals(admits(ANSWER, sample), admits(merged, sample), "for " + sample);
      admitted += admits(merged, sample) ? 1 : 0;
    }
    assertEquals(4, admitted, "0, 3, [] and [0, 2]");
  }

  @Test
  @DisplayName("the served document's submit body is read merged, so the rewrite is in force where it matters")
  void documentMerged() {
    JsonObject answers = ApiContract.document().getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("SubmitRequest").getJsonObject("properties").getJsonObject("answers")
        .getJsonObject("additionalProperties");
    assertFalse(answers.containsKey("oneOf"), answers.encode());
    assertEquals(new JsonArray().add("integer").add("array"), answers.getValue("type"));
  }

  @Test
  @DisplayName("choices that overlap, refer elsewhere, share a keyword or clash with their parent stay as written")
  void othersKept() {
    for (String choice : List.of(
        // 2 is both: oneOf refuses it, a type list would admit it
        "{\"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"number\"}]}",
        "{\"anyOf\": [{\"$ref\": \"#/$defs/a\"}, {\"type\": \"string\"}]}",
        // minLength is a string's rule: on an integer branch it means nothing, merged it would
        "{\"oneOf\": [{\"type\": \"integer\", \"minLength\": 2}, {\"type\": \"string\"}]}",
        "{\"oneOf\": [{\"type\": \"string\", \"maxLength\": 2}, {\"type\": \"array\", \"maxItems\": 2, \"items\": {}},"
            + " {\"type\": \"object\", \"items\": {}}]}",
        "{\"type\": \"string\", \"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"string\"}]}",
        "{\"oneOf\": [{\"type\": \"integer\"}]}",
        "{\"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"integer\", \"minimum\": 3}]}")) {
      JsonObject schema = new JsonObject(choice);
      assertEquals(schema, ApiContract.typeUnions(schema.copy()), choice);
    }
    // an enum's values are data: an object there that looks like a choice must stay exactly as written
    JsonObject data = new JsonObject().put("enum", new JsonArray().add(ANSWER.copy()));
    assertEquals(data, ApiContract.typeUnions(data.copy()), "values in an enum are not rewritten");
    JsonObject nested = new JsonObject().put("properties", new JsonObject().put("a", ANSWER.copy()));
    assertTrue(ApiContract.typeUnions(nested).getJsonObject("properties").getJsonObject("a").containsKey("type"),
        "merged below the top too");
    assertTrue(admits(ANSWER, 2) && !admits(new JsonObject("{\"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"number\"}]}"), 2),
        "the overlap is real: oneOf refuses 2");
  }
}
