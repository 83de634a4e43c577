import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The baseline of the lesson-page benchmark: plain Vert.x serving a folder with StaticHandler, with the
 * same number of HTTP instances and the same compression setting as the Pillars server.
 * Run: java -cp target/pillars.jar bench/StaticBaseline.java FOLDER PORT INSTANCES
 */
public class StaticBaseline extends VerticleBase {

  private final String folder;
  private final int port;

  StaticBaseline(String folder, int port) {
    this.folder = folder;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(StaticHandler.create(FileSystemAccess.ROOT, folder).setCachingEnabled(true));
    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setCompressionSupported(true))
        .requestHandler(router).listen();
  }

  public static void main(String[] args) {
    String folder = args[0];
    int port = Integer.parseInt(args[1]);
    int instances = Integer.parseInt(args[2]);
    Vertx.vertx().deployVerticle(() -> new StaticBaseline(folder, port), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("static baseline on port " + port))
        .onFailure(e -> { e.printStackTrace(); System.exit(1); });
  }
}
