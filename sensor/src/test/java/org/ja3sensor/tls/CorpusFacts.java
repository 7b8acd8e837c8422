package org.ja3sensor.tls;

import java.util.List;

/**
 * tshark 4.0.17's JA3/JA3S for the first hello of each test vector, copied from the tshark rows
 * of {@code shared/corpus/expected.tsv} (row: file, kind, first frame of the flow). Facts from an
 * independent implementation, not outputs of ours.
 */
final class CorpusFacts {
  private CorpusFacts() {}

  /** One expectation: vector name, expected.tsv row, JA3 (or JA3S) string and MD5. */
  record Fact(String vector, String row, String string, String hash) {
    boolean serverHello() {
      return row.contains(" ja3s ");
    }

    @Override
    public String toString() {
      return vector;
    }
  }

  static final List<Fact> FACTS = List.of(
      new Fact("chrome_ch", "ndpi/chrome.pcap ja3 frame=4",
          "771,4867-4865-4866-52393-52392-49195-49199-49196-49200-49171-49172-156-157-47-53,"
              + "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0",
          "aa50c12a5dfa717d9d6ab34e97de79d5"),
      new Fact("chrome_sh", "ndpi/chrome.pcap ja3s frame=6", "771,4866,43-51",
          "15af977ce25de452b96affa2addb1036"),
      new Fact("no_extensions_ch", "s2n-tls/no_extensions.pcap ja3 frame=4",
          "771,49161-49171-49195-49199-49196-49200-49187-49191-49162-49172-49188-49192-47-156-157"
              + "-60-53-61-10-51-158-159-103-57-107-255,,,",
          "c2254e70476bc48e0f13e250bd994557"),
      new Fact("no_extensions_sh", "s2n-tls/no_extensions.pcap ja3s frame=6", "771,47,65281",
          "573a9f3f80037fb40d481e2054def5bb"),
      new Fact("draft18_ch", "suricata-verify/tls__tls13-draft18.pcap ja3 frame=8",
          "771,4865-4866-4867-49195-49199-158-49196-49200-159-52393-52392-52244-52243-49161-49187"
              + "-49171-49191-51-103-49162-49188-49172-49192-57-107-156-157-47-60-53-61-10,"
              + "65281-23-35-13-11-40-45-43-10,29-23-24,0",
          "23d254f72096d25c350e4a4a792f4948"),
      new Fact("draft18_sh", "suricata-verify/tls__tls13-draft18.pcap ja3s frame=10",
          "32530,4865,40", "b8a8031b301aef7618403061e9f33065"),
      new Fact("draft16_chrome_ch",
          "zeek/tls__tls13draft16-chrome55.0.2879.0-canary.pcap ja3 frame=4",
          "771,49195-49199-49196-49200-52393-52392-52244-52243-49161-49171-49162-49172-156-157-47"
              + "-53-10,65281-23-35-13-5-18-16-30032-11-40-43-10-24-21,29-23-24,0",
          "1bbe072c914653f5696401459ca0f9b8"),
      new Fact("draft16_chrome_sh",
          "zeek/tls__tls13draft16-chrome55.0.2879.0-canary.pcap ja3s frame=6",
          "32526,52393,40", "9ce213de238ed8aea57e81e02c0e4882"),
      new Fact("draft22_ch", "suricata-verify/tls__tls13-draft22.pcap ja3 frame=4",
          "771,4865-4867,0-43-13-10-40,23,", "786468211b4d23f9b725987b0de9d090"),
      new Fact("hrr_ch", "zeek/tls__hrr.pcap ja3 frame=4",
          "771,4866-4867-4865-255,11-10-35-22-23-13-43-45-51,21-23-24,0-1-2",
          "0f14b679807628ec7f9c02cada3ee941"),
      new Fact("hrr_sh", "zeek/tls__hrr.pcap ja3s frame=6", "771,4866,43-51",
          "15af977ce25de452b96affa2addb1036"),
      new Fact("fragmented_ch", "s2n-tls/fragmented_ch.pcap ja3 frame=9",
          "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49161-49171-49187-49191-49162"
              + "-49172-156-60-47-255,43-10-51-13-0-35-11-45-23-2569,29-23-24,0",
          "867f754853269f04f260103055f96397"),
      new Fact("fragmented_sh", "s2n-tls/fragmented_ch.pcap ja3s frame=11", "771,4865,43-51",
          "f4febc55ea12b31ae17cfb7e614afda8"),
      new Fact("huge_ch", "ndpi/tls_with_huge_ch.pcapng ja3 frame=27",
          "771,4867-4866-4865-60-49200-49187-52393-49195-156-49191-49196-49162-49161-53-49171-10"
              + "-49170-47,45-13-35-10-51-43-11-16-65281-23-21,29-23-24,0",
          "66d6080b942b0b593896bf729f3fd326"),
      new Fact("esni_fuzzed_ch", "ndpi/tls-esni-fuzzed.pcap ja3 frame=3",
          "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-49161-49171-49172-51-57"
              + "-47-53-10,23-65281-10-11-35-16-5-51-43-13-45-65486-28,29-23-24-25-256-257,0",
          "957015a0b1e2500d8777219893a09495"),
      new Fact("ssl3_ch", "arkime/openssl-ssl3.pcap ja3 frame=4",
          "768,49172-49162-57-56-136-135-49167-49157-53-132-49170-49160-22-19-49165-49155-10"
              + "-49171-49161-51-50-154-153-69-68-49166-49156-47-150-65-7-49169-49159-49164-49154"
              + "-5-4-21-18-9-20-17-8-6-3-255,,,",
          "f917ae2520ef9784557b0a3c02489c2c"),
      new Fact("ssl3_sh", "arkime/openssl-ssl3.pcap ja3s frame=6", "768,49169,65281",
          "59e3f99fd4b68388f5ba9349e0ca71a4"),
      new Fact("alert_then_sh", "ndpi/http_ipv6.pcap ja3s frame=98", "771,49199,0-65281-11-35",
          "389ed42c02ebecc32e73aa31def07e14"),
      new Fact("smtp_starttls_ch", "arkime/smtp-starttls.pcap ja3 frame=11",
          "769,57-56-136-135-53-132-22-19-10-51-50-154-153-69-68-47-150-65-5-4-21-18-9-20-17-8-6"
              + "-3-255,35,,",
          "fab507fe132c544e8a0eb7c394affeae"),
      new Fact("smtp_starttls_sh", "arkime/smtp-starttls.pcap ja3s frame=12", "769,5,65281-35",
          "6b96cf9c27b0223177b0e9f135fe4899"),
      new Fact("pop3_stls_ch", "ndpi/pop3_stls.pcap ja3 frame=13",
          "769,255-49162-49172-136-135-57-56-49167-49157-132-53-49159-49161-49169-49171-69-68-51"
              + "-50-49164-49166-49154-49156-150-65-5-4-47-49160-49170-22-19-49165-49155-65279-10,"
              + "0-10-11-35,23-24-25,0",
          "207409c2b30e670ca50e1eac016a4831"),
      new Fact("pop3_stls_sh", "ndpi/pop3_stls.pcap ja3s frame=14", "769,5,65281-35",
          "6b96cf9c27b0223177b0e9f135fe4899"),
      new Fact("ldap_starttls_ch", "arkime/ldap-ssl.pcap ja3 frame=8",
          "771,51-103-69-57-107-136-22-50-64-68-56-106-135-19-102-47-60-65-53-61-132-10-5-4,"
              + "65281-13,,",
          "3f8b7a5c41878630f67e660533be80fc"),
      new Fact("ldap_starttls_sh", "arkime/ldap-ssl.pcap ja3s frame=9", "771,47,65281",
          "573a9f3f80037fb40d481e2054def5bb"),
      new Fact("mysql_tls_ch", "arkime/mysql-tls.pcap ja3 frame=8",
          "770,49162-49172-53-49157-49167-49161-49171-47-49156-49166-49160-49170-10-49155-49165"
              + "-49159-49169-5-49154-49164-4-255,10-11,23-1-3-19-21-6-7-9-10-24-11-12-25-13-14-15"
              + "-16-17-2-18-4-5-20-8-22,0",
          "3509fd9d38bde48d8abc69cd321c0ba0"),
      new Fact("mysql_tls_sh", "arkime/mysql-tls.pcap ja3s frame=10", "770,53,",
          "e05da289b42d4cf4dcd64a1e6152aed6"),
      new Fact("http_connect_ch", "arkime/https-connect.pcap ja3 frame=8",
          "771,49200-49196-49192-49188-49172-49162-165-163-161-159-107-106-105-104-57-56-55-54"
              + "-136-135-134-133-49202-49198-49194-49190-49167-49157-157-61-53-132-49199-49195"
              + "-49191-49187-49171-49161-164-162-160-158-103-64-63-62-51-50-49-48-154-153-152-151"
              + "-69-68-67-66-49201-49197-49193-49189-49166-49156-156-60-47-150-65-49170-49160-22"
              + "-19-16-13-49165-49155-10-7-49169-49159-49164-49154-5-4-255,11-10-35-13-15,"
              + "23-25-24-22,0-1-2",
          "b288289af2999820648eb3ca4d8304c5"),
      new Fact("http_connect_sh", "arkime/https-connect.pcap ja3s frame=10", "771,49200,35-65281",
          "b7bd51222a09f3ad66a340710ae9c01a"),
      new Fact("socks5_ch", "arkime/socks-https-example.pcap ja3 frame=8",
          "769,57-56-53-22-19-10-51-50-47-154-153-150-5-4-21-18-9-20-17-8-6-3-255,0,,",
          "06a92bf69b367389d2feb0d70501ddfe"),
      new Fact("socks5_sh", "arkime/socks-https-example.pcap ja3s frame=9", "769,5,65281",
          "280ca4511bfaa384b2e931c058e8816e"),
      new Fact("sslv2_compat_sh", "suricata-verify/sslv2-tls-upgrade-01.pcap ja3s frame=6",
          "769,57,", "9a2c6bfd476184689a786457f33ece3a"),
      new Fact("alpn_sh", "suricata-verify/tls__tls-certs-alert.pcap ja3s frame=6",
          "771,49199,65281-0-11-16-23", "5d79edf64e03689ff559a54e9d9487bc"));

  /**
   * SSLv2-format ClientHellos: tshark emits no JA3 for them (rows with an empty fingerprint in
   * expected.tsv: suricata-verify/sslv2-tls-upgrade-01.pcap frame=4, zeek/tls__ssl-v2.pcap
   * frame=4).
   */
  static final List<String> SSLV2_VECTORS = List.of("sslv2_compat_ch", "sslv2_pure_ch");
}
