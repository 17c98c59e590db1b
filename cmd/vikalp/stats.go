package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/analytics"
)

// newStatsCmd builds `vikalp stats`: analyst tools that work on any data.
func newStatsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Spatial statistics on your own files (Gi*, Mann–Kendall)",
		Long: `stats runs Vikalp's hotspot statistics on any data, without a database.
The formulas are the ones the analytics pipeline uses (see docs/ANALYTICS.md).`,
	}
	cmd.AddCommand(newStatsGiStarCmd(), newStatsMannKendallCmd())
	return cmd
}

// giStarFlags are the options of `stats gistar`.
type giStarFlags struct {
	values, weights string
	h3              bool
	k               int
	fdr             bool
}

func newStatsGiStarCmd() *cobra.Command {
	var f giStarFlags
	cmd := &cobra.Command{
		Use:   "gistar --values FILE.csv (--weights FILE.gal | --h3 [--k N]) [--fdr]",
		Short: "Getis–Ord Gi* hot spot z-scores, p-values and confidence bins",
		Long: `gistar computes the Getis–Ord Gi* statistic (Ord & Getis 1995) of every
observation, as ArcGIS "Hot Spot Analysis" and R spdep localG with
include.self compute it: binary weights including the observation itself,
population standard deviation, two-sided normal p-values and
Benjamini–Hochberg adjusted p-values.

--values is a CSV of id,value rows (a header row is allowed). Neighbours come
either from a GeoDa/PySAL .gal file (--weights; ids must match the CSV) or,
when the ids are H3 cells (hex strings or decimal BIGINTs), from the H3 k-ring
of each cell (--h3, --k default 1); cells not in the CSV are not part of the
study area.

Output is CSV: id,gi_star_z,p,p_fdr,bin, in the order of the .gal file (or
the CSV with --h3). bin is −3…+3 for cold/hot spots at 99/95/90 %
confidence, judged by the raw p, or by the FDR-adjusted p with --fdr (ArcGIS
"Apply False Discovery Rate (FDR) Correction").

Examples:
  vikalp stats gistar --values columbus_crime.csv --weights columbus.gal
  vikalp stats gistar --values cells.csv --h3 --k 2 --fdr > hotspots.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGiStar(cmd.OutOrStdout(), f)
		},
	}
	cmd.Flags().StringVar(&f.values, "values", "", "CSV of id,value rows (required)")
	cmd.Flags().StringVar(&f.weights, "weights", "", "GeoDa/PySAL .gal neighbour file")
	cmd.Flags().BoolVar(&f.h3, "h3", false, "ids are H3 cells: neighbours are the k-ring")
	cmd.Flags().IntVar(&f.k, "k", 1, "k-ring distance with --h3")
	cmd.Flags().BoolVar(&f.fdr, "fdr", false, "bins from Benjamini–Hochberg adjusted p-values")
	_ = cmd.MarkFlagRequired("values")
	cmd.MarkFlagsMutuallyExclusive("weights", "h3")
	cmd.MarkFlagsOneRequired("weights", "h3")
	return cmd
}

// runGiStar reads the inputs, runs analytics.HotSpots and writes CSV.
func runGiStar(out io.Writer, f giStarFlags) error {
	ids, values, err := readValuesFile(f.values)
	if err != nil {
		return err
	}
	w, err := giStarWeights(f, ids)
	if err != nil {
		return err
	}
	x, err := analytics.AlignValues(w, ids, values)
	if err != nil {
		return err
	}
	res, err := analytics.HotSpots(x, w, f.fdr)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(out)
	_ = cw.Write([]string{"id", "gi_star_z", "p", "p_fdr", "bin"})
	for i, r := range res {
		_ = cw.Write([]string{w.IDs[i], fmtFloat(r.Z), fmtFloat(r.P), fmtFloat(r.PFDR), strconv.Itoa(r.Bin)})
	}
	cw.Flush()
	return cw.Error()
}

// giStarWeights loads the .gal file or builds H3 k-ring weights; H3 weights
// keep the ids as the CSV spelled them.
func giStarWeights(f giStarFlags, ids []string) (*analytics.Weights, error) {
	if !f.h3 {
		file, err := os.Open(f.weights)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		return analytics.ParseGAL(file)
	}
	cells := make([]int64, len(ids))
	for i, id := range ids {
		c, err := analytics.ParseCell(id)
		if err != nil {
			return nil, err
		}
		cells[i] = c
	}
	w, err := analytics.H3Weights(cells, f.k)
	if err != nil {
		return nil, err
	}
	copy(w.IDs, ids)
	return w, nil
}

func readValuesFile(path string) ([]string, []float64, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	return analytics.ReadValues(file)
}

func newStatsMannKendallCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "mann-kendall [FILE]",
		Short: "Mann–Kendall trend test of a series (file or stdin)",
		Long: `mann-kendall runs the Mann–Kendall trend test (Mann 1945, Kendall 1975,
Gilbert 1987) on a series read from FILE or standard input, oldest value
first: numbers separated by newlines, commas or spaces; on CSV lines the last
field is the value and a header line is skipped.

It prints CSV with one row: n, S, Var(S) (corrected for ties), z (with
continuity correction), the two-sided p-value and Kendall's tau (S divided by
n(n−1)/2).

Examples:
  vikalp stats mann-kendall weekly_counts.txt
  printf '12.9 14.8 13.2 15.7 13.8 15.6 12.9 11.0 17.3 15.9 19.0 18.3 20.1 21.7' | vikalp stats mann-kendall`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := cmd.InOrStdin()
			if len(args) == 1 {
				file, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer file.Close()
				in = file
			}
			return runMannKendall(cmd.OutOrStdout(), in)
		},
	}
}

// runMannKendall reads a series and writes the test result as CSV.
func runMannKendall(out io.Writer, in io.Reader) error {
	x, err := analytics.ReadSeries(in)
	if err != nil {
		return err
	}
	r, err := analytics.MannKendall(x)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "n,s,var_s,z,p,tau\n%d,%s,%s,%s,%s,%s\n",
		r.N, fmtFloat(r.S), fmtFloat(r.VarS), fmtFloat(r.Z), fmtFloat(r.P), fmtFloat(r.Tau))
	return err
}

// fmtFloat prints the shortest decimal that reads back as the same float64.
func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
