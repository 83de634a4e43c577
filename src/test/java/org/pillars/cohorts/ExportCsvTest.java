package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExportCsvTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.pillars.cohorts.RosterCsvTest#dodges")
  @DisplayName("a formula behind an invisible or full-width character is exported behind an apostrophe, as text")
  void formulaDodgesDefused(String label, String cell) {
    String expected = "'" + cell;
    if (cell.contains(",") || cell.contains("\"")) {
      expected = "\"" + expected.replace("\"", "\"\"") + "\"";
    }
    assertEquals(expected, ExportCsv.cell(cell), label);
  }

  @Test
  @DisplayName("plain text and negative numbers are exported as they are, quoted where CSV needs it")
  void dataUntouched() {
    assertEquals("Amina Diallo", ExportCsv.cell("Amina Diallo"));
    assertEquals("-12", ExportCsv.cell("-12"));
    assertEquals("GH-1001", ExportCsv.cell("GH-1001"));
    assertEquals("\"1st Battalion, A Company\"", ExportCsv.cell("1st Battalion, A Company"));
    assertEquals("'=1+1", ExportCsv.cell("=1+1"));
    assertEquals("", ExportCsv.cell(null));
  }
}
