import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The baseline of the quiz benchmark: the same two writes as a quiz cycle (insert the attempt row, then
 * store answers, score and result), each behind a bare HTTP handler: no tokens, sessions, grading,
 * transaction or certificate check. Same pool size and HTTP instances as Pillars.
 * Run: java -cp target/pillars.jar bench/InsertBaseline.java HTTP_PORT PG_PORT INSTANCES
 */
public class InsertBaseline extends VerticleBase {

  private final int port;
  private final Pool pool;

  InsertBaseline(int port, Pool pool) {
    this.port = port;
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.post("/attempts").handler(ctx -> {
      UUID id = UUID.randomUUID();
      pool.preparedQuery("INSERT INTO attempts (id, account_id, module_id, module_version) VALUES ($1, $2, 'bench', 1)")
          .execute(Tuple.of(id, ctx.body().asJsonObject().getLong("account")))
          .onSuccess(r -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("attempt", id.toString()).encode()))
          .onFailure(ctx::fail);
    });
    router.post("/attempts/:id/submit").handler(ctx -> {
      JsonObject answers = ctx.body().asJsonObject().getJsonObject("answers");
      JsonObject result = new JsonObject().put("score", 50).put("passed", false);
      pool.preparedQuery("UPDATE attempts SET submitted_at = now(), answers = $2, score = 50, passed = false, result = $3 "
              + "WHERE id = $1 AND submitted_at IS NULL")
          .execute(Tuple.of(UUID.fromString(ctx.pathParam("id")), answers, result))
          .onSuccess(r -> ctx.response().putHeader("Content-Type", "application/json").end(result.encode()))
          .onFailure(ctx::fail);
    });
    return vertx.createHttpServer(new HttpServerOptions().setPort(port)).requestHandler(router).listen();
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(16))
        .connectingTo(new PgConnectOptions().setHost("localhost").setPort(Integer.parseInt(args[1]))
            .setDatabase("pillars").setUser("postgres"))
        .using(vertx).build();
    vertx.deployVerticle(() -> new InsertBaseline(port, pool), new DeploymentOptions().setInstances(Integer.parseInt(args[2])))
        .onSuccess(id -> System.out.println("insert baseline on port " + port))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }
}
