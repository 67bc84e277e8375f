# The envwatch image: Node 20 on Debian, with Chromium and the Noto CJK fonts that the PDF reports need
# (Chinese text is embedded in the PDFs from fonts-noto-cjk).
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk poppler-utils ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
EXPOSE 8080
CMD ["node", "bin/envwatch.mjs", "start"]
