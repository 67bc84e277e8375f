# The envwatch image: Node 20 on Debian, with Chromium and the Noto CJK fonts that the PDF reports need
# (Chinese text is embedded in the PDFs from fonts-noto-cjk). Two stages: the first compiles the TypeScript
# (typescript is a dev dependency), the second carries production dependencies and the compiled dist/ only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk poppler-utils ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# Copied after the sources, so its BUILD_STAMP is newer than them and bin/envwatch.mjs runs dist/, not tsx.
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production
EXPOSE 8080
CMD ["node", "bin/envwatch.mjs", "start"]
