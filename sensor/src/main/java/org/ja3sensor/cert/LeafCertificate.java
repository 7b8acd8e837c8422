package org.ja3sensor.cert;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.ja3sensor.core.Anomaly;
import org.ja3sensor.core.Counters;

/**
 * The server's leaf certificate: its hashes (SHA-1, SHA-256, MD5 of the DER bytes, upper-case hex
 * as ECS says) and, parsed by the JDK's {@link CertificateFactory} (no ASN.1 of our own), the
 * fields an event carries and the checks behind the certificate policy flags.
 *
 * <p>Lazy: each hash is computed on first use, the certificate parsed on the first use of a field;
 * a certificate the parser rejects (or that does not start as a DER SEQUENCE) is counted once as
 * {@code X509_UNPARSEABLE}, and then {@link #parsed()} is false and every field null (the hashes
 * still work). Buffer ownership: reads {@code data[off, off+len)}, owned by the {@link
 * ServerCertificates} that made this object; never writes it. Not thread-safe (one thread at a
 * time, handed over through a queue), except once {@link #analyse} has run: then nothing is
 * written any more, and {@link LeafCache} shares it between the events of one thread.
 */
public final class LeafCertificate {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static final ThreadLocal<CertificateFactory> FACTORY =
      ThreadLocal.withInitial(
          () -> {
            try {
              return CertificateFactory.getInstance("X.509");
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException("the JDK has no X.509 CertificateFactory", e);
            }
          });

  private final byte[] data;
  private final int off;
  private final int len;
  private final Counters counters;

  private String sha1;
  private String sha256;
  private String md5;

  private boolean parseTried;
  private X509Certificate cert;
  private Fields fields;

  LeafCertificate(byte[] data, int off, int len, Counters counters) {
    this.data = data;
    this.off = off;
    this.len = len;
    this.counters = counters;
  }

  /** A leaf made from DER bytes alone (tests, tools); anomalies go to {@code counters}. */
  public static LeafCertificate of(byte[] der, Counters counters) {
    return new LeafCertificate(der.clone(), 0, der.length, counters);
  }

  /** A leaf of which only the SHA-1 is known (see {@link ServerCertificates#ofLeafSha1}). */
  static LeafCertificate knownOnlyBySha1(String sha1Hex) {
    LeafCertificate l = new LeafCertificate(new byte[0], 0, 0, new Counters());
    l.sha1 = sha1Hex.toUpperCase(Locale.ROOT);
    l.parseTried = true; // nothing to parse, nothing to count
    return l;
  }

  /**
   * Computes everything at once (the three hashes, the parse, the fields, the self-signed check),
   * so that the object is never written again and can be shared read-only by later events of the
   * same thread and handed with them to other threads: what {@link LeafCache} keeps.
   */
  LeafCertificate analyse() {
    sha1();
    sha256();
    md5();
    selfSigned(); // parses and makes the fields on the way
    return this;
  }

  /** Length of the DER bytes. */
  public int length() {
    return len;
  }

  public String sha1() {
    if (sha1 == null) {
      sha1 = digest("SHA-1");
    }
    return sha1;
  }

  public String sha256() {
    if (sha256 == null) {
      sha256 = digest("SHA-256");
    }
    return sha256;
  }

  public String md5() {
    if (md5 == null) {
      md5 = digest("MD5");
    }
    return md5;
  }

  private String digest(String algorithm) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      md.update(data, off, len);
      return hex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }

  /** Upper-case hex of bytes. */
  static String hex(byte[] b) {
    char[] c = new char[b.length * 2];
    for (int i = 0; i < b.length; i++) {
      c[2 * i] = HEX[(b[i] >>> 4) & 15];
      c[2 * i + 1] = HEX[b[i] & 15];
    }
    return new String(c);
  }

  /** Whether the certificate parses (parses it on first call). */
  public boolean parsed() {
    return x509() != null;
  }

  /** The parsed certificate, or null when it does not parse. */
  public X509Certificate x509() {
    if (!parseTried) {
      parseTried = true;
      cert = parse();
      if (cert == null) {
        counters.anomalyFromAnyThread(Anomaly.X509_UNPARSEABLE);
      }
    }
    return cert;
  }

  private X509Certificate parse() {
    // CertificateFactory also reads PEM text: insist on DER (a SEQUENCE) so that what is parsed is
    // what was hashed.
    if (len < 2 || data[off] != 0x30) {
      return null;
    }
    try {
      return (X509Certificate)
          FACTORY.get().generateCertificate(new ByteArrayInputStream(data, off, len));
    } catch (GeneralSecurityException | RuntimeException | StackOverflowError e) {
      return null; // any failure of the JDK's parser on hostile bytes is "unparseable"
    }
  }

  /** The event fields of the certificate, or null when it does not parse. */
  public Fields fields() {
    if (fields == null && x509() != null) {
      try {
        fields = Fields.of(cert);
      } catch (RuntimeException e) {
        // An extension the JDK parses only on access (subjectAltName) may still fail.
        counters.anomalyFromAnyThread(Anomaly.X509_UNPARSEABLE);
        cert = null;
      }
    }
    return fields;
  }

  // --- policy checks (all false when the certificate does not parse) ---

  /**
   * Issuer equals subject and the certificate's signature verifies with its own public key (the
   * signature is only checked when the names are equal).
   */
  public boolean selfSigned() {
    Fields f = fields();
    if (f == null) {
      return false;
    }
    if (f.selfSigned == null) {
      boolean s = false;
      if (cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
        try {
          cert.verify(cert.getPublicKey());
          s = true;
        } catch (GeneralSecurityException | RuntimeException e) {
          s = false;
        }
      }
      f.selfSigned = s;
    }
    return f.selfSigned;
  }

  /** Not valid any more at this instant (ms since the epoch). */
  public boolean expiredAt(long epochMillis) {
    Fields f = fields();
    return f != null && epochMillis > f.notAfterMillis;
  }

  /** Not valid yet at this instant (ms since the epoch). */
  public boolean notYetValidAt(long epochMillis) {
    Fields f = fields();
    return f != null && epochMillis < f.notBeforeMillis;
  }

  /** An RSA key shorter than 2048 bits. */
  public boolean weakKey() {
    Fields f = fields();
    return f != null && "RSA".equals(f.publicKeyAlgorithm) && f.publicKeySize > 0
        && f.publicKeySize < 2048;
  }

  /** Signed with SHA-1, MD5 or MD2. */
  public boolean weakSignature() {
    Fields f = fields();
    if (f == null) {
      return false;
    }
    String s = f.signatureAlgorithm;
    return s.startsWith("SHA1-") || s.endsWith("-SHA1") || s.startsWith("MD5-")
        || s.startsWith("MD2-");
  }

  /**
   * Whether a server name is covered by the certificate's names (RFC 6125: DNS names of the
   * subjectAltName, else the subject's last common name; see {@link HostnameMatch}). True when
   * the certificate does not parse (nothing to say).
   */
  public boolean covers(String serverName) {
    Fields f = fields();
    if (f == null) {
      return true;
    }
    if (HostnameMatch.isIpLiteral(serverName)) {
      return HostnameMatch.matchesIp(serverName, f.ipNames);
    }
    List<String> names = f.dnsNames;
    if (names.isEmpty()) {
      // No DNS name in subjectAltName: the most specific common name (first in RFC 2253 order).
      names = f.subject.commonName.isEmpty() ? List.of() : List.of(f.subject.commonName.get(0));
    }
    for (String n : names) {
      if (HostnameMatch.matches(serverName, n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Keywords for attribute types that RFC 2253 itself does not name (it names only CN, L, ST, O,
   * OU, C, STREET, DC and UID, and writes any other type as OID=#hex-of-DER): the short names
   * openssl prints ({@code openssl x509 -nameopt RFC2253}), Zeek and Suricata write, so that {@code
   * emailAddress=pki@example.com} reads as such rather than {@code 1.2.840.113549.1.9.1=#16...}.
   * A type missing here keeps RFC 2253's OID=#hex form (as openssl does for types it does not
   * know). See docs/certificates.md, "Names".
   */
  static final java.util.Map<String, String> OPENSSL_KEYWORDS = java.util.Map.ofEntries(
      java.util.Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
      java.util.Map.entry("1.2.840.113549.1.9.2", "unstructuredName"),
      java.util.Map.entry("2.5.4.4", "SN"),
      java.util.Map.entry("2.5.4.5", "serialNumber"),
      java.util.Map.entry("2.5.4.9", "street"),
      java.util.Map.entry("2.5.4.12", "title"),
      java.util.Map.entry("2.5.4.13", "description"),
      java.util.Map.entry("2.5.4.15", "businessCategory"),
      java.util.Map.entry("2.5.4.17", "postalCode"),
      java.util.Map.entry("2.5.4.41", "name"),
      java.util.Map.entry("2.5.4.42", "GN"),
      java.util.Map.entry("2.5.4.43", "initials"),
      java.util.Map.entry("2.5.4.44", "generationQualifier"),
      java.util.Map.entry("2.5.4.46", "dnQualifier"),
      java.util.Map.entry("2.5.4.65", "pseudonym"),
      java.util.Map.entry("2.5.4.97", "organizationIdentifier"),
      java.util.Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
      java.util.Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
      java.util.Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));

  /** A distinguished name split into the parts ECS names (RFC 2253 order: most specific first). */
  public static final class NameParts {
    public final String distinguishedName;
    public final List<String> commonName = new ArrayList<>(1);
    public final List<String> country = new ArrayList<>(1);
    public final List<String> locality = new ArrayList<>(1);
    public final List<String> organization = new ArrayList<>(1);
    public final List<String> organizationalUnit = new ArrayList<>(1);
    public final List<String> stateOrProvince = new ArrayList<>(1);

    NameParts(X500Principal p) {
      this.distinguishedName = p.getName(X500Principal.RFC2253, OPENSSL_KEYWORDS);
      try {
        List<javax.naming.ldap.Rdn> rdns = new javax.naming.ldap.LdapName(distinguishedName).getRdns();
        // LdapName lists RDNs right to left (least specific first): walk backwards.
        for (int i = rdns.size() - 1; i >= 0; i--) {
          javax.naming.directory.Attributes attrs = rdns.get(i).toAttributes();
          javax.naming.NamingEnumeration<? extends javax.naming.directory.Attribute> all =
              attrs.getAll();
          while (all.hasMore()) {
            javax.naming.directory.Attribute a = all.next();
            List<String> to = partFor(a.getID());
            if (to == null) {
              continue;
            }
            for (int v = 0; v < a.size(); v++) {
              Object value = a.get(v);
              if (value instanceof String s) {
                to.add(s);
              }
            }
          }
        }
      } catch (javax.naming.NamingException | RuntimeException e) {
        // The JDK wrote this name itself; a part it cannot read again is left out.
      }
    }

    private List<String> partFor(String type) {
      switch (type.toUpperCase(Locale.ROOT)) {
        case "CN":
          return commonName;
        case "C":
          return country;
        case "L":
          return locality;
        case "O":
          return organization;
        case "OU":
          return organizationalUnit;
        case "ST":
          return stateOrProvince;
        default:
          return null;
      }
    }
  }

  /** What the event writes of a parsed certificate. */
  public static final class Fields {
    public NameParts subject;
    public NameParts issuer;
    public long notBeforeMillis;
    public long notAfterMillis;
    /** The validity dates in ISO 8601 UTC, as events write them (made once per certificate). */
    public String notBeforeText;
    public String notAfterText;
    /** Upper-case hex, an even number of digits, "-" first when negative (as openssl prints it). */
    public String serialNumber;
    /** subjectAltName values: DNS names, IP addresses, e-mail addresses, URIs, in order. */
    public final List<String> alternativeNames = new ArrayList<>(2);
    final List<String> dnsNames = new ArrayList<>(2);
    final List<String> ipNames = new ArrayList<>(0);
    /** RSA, ECDSA, DSA, Ed25519, Ed448, or the JDK's name for others. */
    public String publicKeyAlgorithm;
    /** Bits: RSA/DSA modulus, EC field size; 0 when unknown. */
    public int publicKeySize;
    /** RSA public exponent, or -1. */
    public long publicKeyExponent = -1;
    /** nistp256, nistp384, nistp521 or null. */
    public String publicKeyCurve;
    /** In Go's crypto/x509 names (SHA256-RSA, ECDSA-SHA384 ...), as ECS recommends; else the OID. */
    public String signatureAlgorithm;
    public int version;
    Boolean selfSigned;

    static Fields of(X509Certificate c) {
      Fields f = new Fields();
      f.subject = new NameParts(c.getSubjectX500Principal());
      f.issuer = new NameParts(c.getIssuerX500Principal());
      f.notBeforeMillis = c.getNotBefore().getTime();
      f.notAfterMillis = c.getNotAfter().getTime();
      // Instant covers notAfter 9999-12-31 (nanosecond timestamps end in 2262).
      f.notBeforeText = java.time.Instant.ofEpochMilli(f.notBeforeMillis).toString();
      f.notAfterText = java.time.Instant.ofEpochMilli(f.notAfterMillis).toString();
      f.serialNumber = serialHex(c.getSerialNumber());
      f.version = c.getVersion();
      f.signatureAlgorithm = SignatureNames.goName(c.getSigAlgOID(), c.getSigAlgParams());
      PublicKey k = c.getPublicKey();
      if (k instanceof RSAPublicKey r) {
        f.publicKeyAlgorithm = "RSA";
        f.publicKeySize = r.getModulus().bitLength();
        BigInteger e = r.getPublicExponent();
        f.publicKeyExponent = e.bitLength() < 63 ? e.longValue() : -1;
      } else if (k instanceof ECPublicKey ec) {
        f.publicKeyAlgorithm = "ECDSA";
        f.publicKeySize = ec.getParams().getCurve().getField().getFieldSize();
        f.publicKeyCurve = SignatureNames.curveName(ec.getParams().toString());
      } else if (k instanceof DSAPublicKey d) {
        f.publicKeyAlgorithm = "DSA";
        f.publicKeySize = d.getParams() != null ? d.getParams().getP().bitLength() : 0;
      } else {
        String a = k.getAlgorithm();
        f.publicKeyAlgorithm = "EdDSA".equals(a) ? edName(k) : a;
      }
      Collection<List<?>> sans;
      try {
        sans = c.getSubjectAlternativeNames();
      } catch (java.security.cert.CertificateParsingException e) {
        throw new IllegalArgumentException("subjectAltName does not parse", e);
      }
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() < 2 || !(san.get(0) instanceof Integer type)
              || !(san.get(1) instanceof String value)) {
            continue;
          }
          switch (type) {
            case 2: // dNSName
              f.dnsNames.add(value);
              f.alternativeNames.add(value);
              break;
            case 7: // iPAddress
              f.ipNames.add(value);
              f.alternativeNames.add(value);
              break;
            case 1: // rfc822Name
            case 6: // uniformResourceIdentifier
              f.alternativeNames.add(value);
              break;
            default:
              break;
          }
        }
      }
      return f;
    }

    private static String edName(PublicKey k) {
      String s = k.toString();
      return s.contains("Ed448") ? "Ed448" : "Ed25519";
    }
  }

  /** Serial number as openssl prints it: magnitude in upper-case hex, even digit count. */
  static String serialHex(BigInteger serial) {
    String h = serial.abs().toString(16).toUpperCase(Locale.ROOT);
    if ((h.length() & 1) == 1) {
      h = "0" + h;
    }
    return serial.signum() < 0 ? "-" + h : h;
  }
}
