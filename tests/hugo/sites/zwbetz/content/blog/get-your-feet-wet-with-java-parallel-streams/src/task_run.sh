#!/usr/bin/env bash

javac App.java && java App
