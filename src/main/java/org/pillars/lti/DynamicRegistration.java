package org.pillars.lti;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Role;
import org.pillars.core.Unavailable;

/**
 * LTI Dynamic Registration 1.0: a platform's administrator opens our registration link from the platform (Moodle:
 * Site administration, Plugins, External tool, Manage tools, "Tool URL"); we read the platform's OpenID configuration,
 * register ourselves at its registration endpoint and keep what it answers (client id, deployment id). The link
 * carries a one-time code an admin made here for one organisation: without one, nothing is fetched from anywhere.
 */
public final class DynamicRegistration {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_BYTES = 64 * 1024;
  static final String PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration";
  static final String TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration";

  /** The platform as registered: its name and issuer, for the page that says so. */
  public record Registered(String name, String issuer) { }

  private final LtiRepository repository;
  private final WebClient client;
  private final Supplier<String> origin;
  private final LtiService lti;

  public DynamicRegistration(LtiRepository repository, io.vertx.core.Vertx vertx, Supplier<String> origin, LtiService lti) {
    this.repository = repository;
    this.client = LtiService.client(vertx);
    this.origin = origin;
    this.lti = lti;
  }

  /** A new one-time registration link for {@code organisationId}, valid a week; only its hash is kept. */
  public Future<String> invite(long organisationId, Role instructorRole) {
    try {
      LtiService.instructors(instructorRole);
    } catch (Invalid e) {
      return Future.failedFuture(e);
    }
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return repository.invite(hash(code), organisationId, instructorRole, OffsetDateTime.now().plusDays(7))
        .map(v -> origin.get() + "/lti/register/" + code);
  }

  /** Registers the platform whose configuration is at {@code configurationUrl}, spending the invitation {@code code}. */
  public Future<Registered> register(String code, String configurationUrl, String registrationToken) {
    byte[] codeHash = hash(code == null ? "" : code);
    return repository.invitation(codeHash).compose(found -> {
      LtiRepository.Invitation invitation = found.orElseThrow(() -> new NotFound("lti_invitation",
          "this registration link is unknown, used or expired: ask a Pillars admin for a new one"));
      if (configurationUrl == null || !lti.web(configurationUrl)) {
        return Future.failedFuture(new Invalid("openid_configuration",
            "open this link from the platform's tool registration: it must pass its openid_configuration address"));
      }
      return fetchConfiguration(configurationUrl).compose(config -> {
        String issuer = config.getString("issuer");
        String registrationEndpoint = config.getString("registration_endpoint");
        for (String field : List.of("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")) {
          if (!(config.getValue(field) instanceof String v) || !lti.web(v)) {
            return Future.failedFuture(new Invalid("openid_configuration", "the platform's configuration has no usable " + field));
          }
        }
        if (!URI.create(issuer).getHost().equalsIgnoreCase(URI.create(configurationUrl).getHost())) {
          return Future.failedFuture(new Invalid("openid_configuration", "the platform's issuer " + issuer
              + " is not on the host its configuration was read from"));
        }
        JsonArray algs = config.getJsonArray("id_token_signing_alg_values_supported");
        if (algs != null && !algs.contains("RS256")) {
          return Future.failedFuture(new Invalid("openid_configuration", "the platform does not sign with RS256"));
        }
        return post(registrationEndpoint, registrationToken).compose(answer -> {
          String clientId = answer.getString("client_id");
          JsonObject tool = answer.getJsonObject(TOOL_CONFIGURATION, new JsonObject());
          String deployment = tool.getValue("deployment_id") == null ? null : String.valueOf(tool.getValue("deployment_id"));
          if (clientId == null || clientId.isBlank() || deployment == null || deployment.isBlank()) {
            return Future.failedFuture(new Invalid("registration", "the platform's answer names no client_id or deployment_id"));
          }
          JsonObject platform = config.getJsonObject(PLATFORM_CONFIGURATION, new JsonObject());
          String family = platform.getString("product_family_code", "LTI platform");
          String name = (family + " " + URI.create(issuer).getHost()).strip();
          LtiService.Registration r = new LtiService.Registration(issuer, clientId, name.length() > 200 ? name.substring(0, 200) : name,
              config.getString("authorization_endpoint"), config.getString("token_endpoint"), config.getString("jwks_uri"),
              invitation.organisationId(), invitation.instructorRole(), List.of(deployment));
          return lti.registerInvited(codeHash, r, invitation).map(id -> new Registered(r.name(), r.issuer()));
        });
      });
    });
  }

  private Future<JsonObject> fetchConfiguration(String url) {
    return client.getAbs(url).putHeader("Accept", "application/json").timeout(15_000).send()
        .map(response -> body(response, "the platform's configuration at " + url))
        .recover(e -> Future.failedFuture(e instanceof Invalid ? e : unreachable(url, e)));
  }

  /** The client registration (LTI Dynamic Registration 1.0, section 3.5): what Pillars is and where it listens. */
  private Future<JsonObject> post(String endpoint, String token) {
    String base = origin.get();
    JsonObject registration = new JsonObject()
        .put("application_type", "web")
        .put("response_types", new JsonArray().add("id_token"))
        .put("grant_types", new JsonArray().add("implicit").add("client_credentials"))
        .put("initiate_login_uri", base + "/lti/login")
        .put("redirect_uris", new JsonArray().add(base + "/lti/launch"))
        .put("client_name", "Pillars")
        .put("jwks_uri", base + "/lti/jwks")
        .put("token_endpoint_auth_method", "private_key_jwt")
        .put("scope", String.join(" ", PlatformServices.SCOPE_SCORE,
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly", PlatformServices.SCOPE_MEMBERSHIPS))
        .put(TOOL_CONFIGURATION, new JsonObject()
            .put("domain", URI.create(base).getRawAuthority())
            .put("target_link_uri", base + "/lti/launch")
            .put("claims", new JsonArray().add("iss").add("sub").add("name").add("given_name").add("family_name"))
            .put("messages", new JsonArray().add(new JsonObject().put("type", "LtiDeepLinkingRequest")
                .put("target_link_uri", base + "/lti/launch").put("label", "Pillars module"))));
    var request = client.postAbs(endpoint).putHeader("Content-Type", "application/json").putHeader("Accept", "application/json")
        .timeout(15_000);
    if (token != null && !token.isBlank()) {
      request.putHeader("Authorization", "Bearer " + token.strip());
    }
    return request.sendBuffer(registration.toBuffer()).map(response -> body(response, "the platform's registration endpoint"))
        .recover(e -> Future.failedFuture(e instanceof Invalid ? e : unreachable(endpoint, e)));
  }

  private static JsonObject body(HttpResponse<Buffer> response, String what) {
    if (response.statusCode() / 100 != 2) {
      throw new Invalid("registration", what + " answered " + response.statusCode());
    }
    Buffer body = response.body();
    if (body == null || body.length() > MAX_BYTES) {
      throw new Invalid("registration", what + " answered nothing, or more than " + MAX_BYTES + " bytes");
    }
    try {
      return new JsonObject(body);
    } catch (RuntimeException e) {
      throw new Invalid("registration", what + " did not answer a JSON object");
    }
  }

  private static Unavailable unreachable(String url, Throwable e) {
    return new Unavailable("registration", url + " could not be reached (" + e.getMessage() + "); try again", 60);
  }

  static byte[] hash(String code) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
