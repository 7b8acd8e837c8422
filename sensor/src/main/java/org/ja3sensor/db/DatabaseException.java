package org.ja3sensor.db;

import java.util.List;

/** The database files could not be loaded; {@link #problems()} says where and why. */
public final class DatabaseException extends Exception {
  private final List<Problem> problems;

  public DatabaseException(List<Problem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    if (problems.isEmpty()) {
      return "fingerprint database invalid";
    }
    String first = problems.get(0).toString();
    return problems.size() == 1
        ? first
        : first + " (and " + (problems.size() - 1) + " more problem(s))";
  }
}
