// Runs AWS's DynamoDB Local listening on one address only: its jar has no option for that (Jetty's Server(port)
// listens on every interface), so this sets the host of its connectors before it starts. Run from source by
// lambda/local/dynamodb-local.ts: java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java <host> <DynamoDB Local options>
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    // The Jetty server is a private field of DynamoDB Local's proxy; a change there fails here, before anything listens.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("cannot bind " + connector + " to " + host + "; not starting DynamoDB Local");
      }
      ((ServerConnector) connector).setHost(host);
    }
    proxy.start();
  }
}
