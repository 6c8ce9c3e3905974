cd /work/main || exit 125
env SIZE=128M RUNTIME=5 REPS=5 bench/block-transports.sh --here
