import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP/3 client and server on Netty's QUIC codec (quiche and BoringSSL, native), for
 * recording QUIC samples and for the live QUIC capture test. Not part of the sensor: it runs as a
 * single-file program on its own class path (the Netty 4.2 jars that sensor/pom.xml copies to
 * sensor/target/quic-peer), so that it never meets the Netty 4.1 of the test class path.
 *
 * <pre>
 * java -cp 'sensor/target/quic-peer/*' samples/quic/QuicPeer.java server ADDR PORT CERT KEY [retry]
 * java -cp 'sensor/target/quic-peer/*' samples/quic/QuicPeer.java client HOST PORT [CONNECTIONS]
 * </pre>
 *
 * The server answers every request with 200 and "ok"; with "retry" it sends a Retry to every
 * client Initial that has no token (Netty's InsecureQuicTokenHandler), so each connection has a
 * Retry and a second client Initial with a new Destination Connection ID. The server prints
 * "listening" when bound. The client makes CONNECTIONS (default 1) connections one after
 * another, each one GET, and exits non-zero if a response is not 200.
 */
public final class QuicPeer {
  public static void main(String[] args) throws Exception {
    if (args.length >= 5 && args[0].equals("server")) {
      server(args[1], Integer.parseInt(args[2]), new File(args[3]), new File(args[4]),
          args.length > 5 && args[5].equals("retry"));
    } else if (args.length >= 3 && args[0].equals("client")) {
      int n = args.length > 3 ? Integer.parseInt(args[3]) : 1;
      client(args[1], Integer.parseInt(args[2]), n);
    } else {
      System.err.println("usage: QuicPeer server ADDR PORT CERT KEY [retry] | client HOST PORT [N]");
      System.exit(2);
    }
  }

  static void server(String addr, int port, File cert, File key, boolean retry) throws Exception {
    QuicSslContext ssl = QuicSslContextBuilder.forServer(key, null, cert)
        .applicationProtocols(Http3.supportedApplicationProtocols()).build();
    var builder = Http3.newQuicServerCodecBuilder()
        .sslContext(ssl)
        .maxIdleTimeout(5, TimeUnit.SECONDS)
        .initialMaxData(1_000_000)
        .initialMaxStreamDataBidirectionalLocal(100_000)
        .initialMaxStreamDataBidirectionalRemote(100_000)
        .initialMaxStreamsBidirectional(100)
        .initialMaxStreamsUnidirectional(100)
        .initialMaxStreamDataUnidirectional(100_000);
    if (retry) {
      builder.tokenHandler(InsecureQuicTokenHandler.INSTANCE);
    }
    ChannelHandler codec = builder.handler(new ChannelInitializer<QuicChannel>() {
      @Override
      protected void initChannel(QuicChannel ch) {
        ch.pipeline().addLast(new Http3ServerConnectionHandler(
            new ChannelInitializer<QuicStreamChannel>() {
              @Override
              protected void initChannel(QuicStreamChannel stream) {
                stream.pipeline().addLast(new Answer());
              }
            }));
      }
    }).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
        .bind(new InetSocketAddress(addr, port)).sync().channel();
    System.out.println("listening on " + addr + ":" + port + (retry ? " (retry)" : ""));
    System.out.flush();
    channel.closeFuture().sync();
  }

  /** Server side of one request stream: 200 "ok" once the request is complete. */
  static final class Answer extends Http3RequestStreamInboundHandler {
    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
      ReferenceCountUtil.release(frame);
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
      ReferenceCountUtil.release(frame);
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
      byte[] body = "ok\n".getBytes(CharsetUtil.US_ASCII);
      DefaultHttp3HeadersFrame headers = new DefaultHttp3HeadersFrame();
      headers.headers().status("200").add("server", "netty-quic").addInt("content-length", body.length);
      ctx.write(headers);
      ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(body)))
          .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
    }
  }

  static void client(String host, int port, int connections) throws Exception {
    QuicSslContext ssl = QuicSslContextBuilder.forClient()
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .applicationProtocols(Http3.supportedApplicationProtocols()).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      for (int i = 0; i < connections; i++) {
        // a new UDP socket (so a new source port) and codec per connection
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
            .sslContext(ssl)
            .maxIdleTimeout(5, TimeUnit.SECONDS)
            .initialMaxData(1_000_000)
            .initialMaxStreamDataBidirectionalLocal(100_000)
            .build();
        Channel channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
            .handler(codec).bind(0).sync().channel();
        QuicChannel quic = QuicChannel.newBootstrap(channel)
            .handler(new Http3ClientConnectionHandler())
            .remoteAddress(new InetSocketAddress(host, port))
            .connect().get(10, TimeUnit.SECONDS);
        CountDownLatch done = new CountDownLatch(1);
        String[] status = new String[1];
        QuicStreamChannel stream = Http3.newRequestStream(quic, new Http3RequestStreamInboundHandler() {
          @Override
          protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            status[0] = String.valueOf(frame.headers().status());
            ReferenceCountUtil.release(frame);
          }

          @Override
          protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            ReferenceCountUtil.release(frame);
          }

          @Override
          protected void channelInputClosed(ChannelHandlerContext ctx) {
            done.countDown();
          }
        }).sync().getNow();
        DefaultHttp3HeadersFrame request = new DefaultHttp3HeadersFrame();
        request.headers().method("GET").path("/").authority(host + ":" + port).scheme("https");
        stream.writeAndFlush(request).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT).sync();
        if (!done.await(10, TimeUnit.SECONDS) || !"200".equals(status[0])) {
          System.err.println("connection " + (i + 1) + ": no 200 response (status " + status[0] + ")");
          System.exit(1);
        }
        quic.close().sync();
        channel.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
