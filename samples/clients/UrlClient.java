import java.io.InputStream;
import java.net.URL;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Library-default recording client (run by samples/record-libraries.sh as {@code java
 * UrlClient.java URL}): one GET with the JDK's HttpsURLConnection and default TLS settings. The
 * server certificate is a throwaway self-signed one, so the trust manager and the hostname
 * verifier accept everything. Never use this outside a test bench.
 */
public final class UrlClient {
  public static void main(String[] args) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    HttpsURLConnection c = (HttpsURLConnection) new URL(args[0]).openConnection();
    c.setSSLSocketFactory(ctx.getSocketFactory());
    c.setHostnameVerifier((host, session) -> true);
    c.setConnectTimeout(10_000);
    c.setReadTimeout(20_000);
    try (InputStream in = c.getInputStream()) {
      in.readAllBytes();
    }
    System.out.println(c.getResponseCode());
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
