package org.ja3sensor.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs after package, with the classes in a jar: the shipped database read straight from the jar
 * equals the one read through a zip file system on the same jar.
 */
class ShippedDatabaseIT {
  @Test
  void readingTheJarDirectlyGivesTheSameSnapshotAsTheZipFileSystem() throws Exception {
    String url = ShippedDatabase.class.getClassLoader().getResource(ShippedDatabase.MARKER).toString();
    assertTrue(url.startsWith("jar:file:"), "the database is read from a jar here: " + url);
    Snapshot direct = ShippedDatabase.load();
    Snapshot viaZipFs = DatabaseLoader.load(List.of(ShippedDatabase.locate()));
    assertTrue(direct.entries().size() > 100, "" + direct.entries().size());
    assertEquals(viaZipFs.version(), direct.version());
    assertEquals(viaZipFs.files(), direct.files());
    assertEquals(viaZipFs.entries().toString(), direct.entries().toString());
    assertEquals(viaZipFs.warnings().toString(), direct.warnings().toString());
  }
}
