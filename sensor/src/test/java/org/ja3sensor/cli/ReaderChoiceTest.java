package org.ja3sensor.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capture --reader auto}: which interfaces the ring reader takes (a fake sysfs). */
class ReaderChoiceTest {
  @TempDir Path sys;

  private void iface(String name, String type) throws Exception {
    Files.createDirectories(sys.resolve(name));
    Files.writeString(sys.resolve(name).resolve("type"), type + "\n");
  }

  @Test
  void ethernetAndLoopbackOnLinuxTakeTheRing() throws Exception {
    iface("eth0", "1");
    iface("lo", "772");
    iface("br-lan.10", "1");
    assertTrue(CaptureCommand.ringApplies("eth0", "tcp or udp", "Linux", sys));
    assertTrue(CaptureCommand.ringApplies("lo", "", "Linux", sys));
    assertTrue(CaptureCommand.ringApplies("lo", null, "Linux", sys));
    assertTrue(CaptureCommand.ringApplies("br-lan.10", "tcp port 443", "Linux", sys));
  }

  @Test
  void everythingElseTakesTheDirectReader() throws Exception {
    iface("eth0", "1");
    iface("tun0", "65534"); // raw IP
    iface("gre1", "778");
    iface("any", "1"); // even if sysfs had one: "any" is libpcap's, not an interface
    Files.createDirectories(sys.resolve("notype"));
    assertFalse(CaptureCommand.ringApplies("tun0", "tcp", "Linux", sys));
    assertFalse(CaptureCommand.ringApplies("gre1", "tcp", "Linux", sys));
    assertFalse(CaptureCommand.ringApplies("any", "tcp", "Linux", sys));
    assertFalse(CaptureCommand.ringApplies("notype", "tcp", "Linux", sys));
    assertFalse(CaptureCommand.ringApplies("missing0", "tcp", "Linux", sys));
    // A filter naming vlan: the ring's filter would not see the outer tag.
    assertFalse(CaptureCommand.ringApplies("eth0", "vlan and tcp", "Linux", sys));
    assertFalse(CaptureCommand.ringApplies("eth0", "tcp or (VLAN 10 and tcp)", "Linux", sys));
    assertTrue(CaptureCommand.ringApplies("eth0", "tcp and not host vlanhost", "Linux", sys));
    // Not Linux: no AF_PACKET.
    assertFalse(CaptureCommand.ringApplies("eth0", "tcp", "Mac OS X", sys));
    // A name that is not an interface name does not leave the sysfs directory.
    Files.writeString(sys.resolve("type"), "1\n");
    assertFalse(CaptureCommand.ringApplies("..", "tcp", "Linux", sys.resolve("eth0")));
    assertFalse(CaptureCommand.ringApplies("../eth0", "tcp", "Linux", sys));
  }
}
