"""Analytics on the stack network: plain functions returning labelled DataFrames."""
